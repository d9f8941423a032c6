using Akka.Configuration;

using static Steadfast.Actors.Tests.Eventually;

namespace Steadfast.Actors.Tests;

/// <summary>
/// The crash-free races a user meets at ordinary concurrency, each checked as the user sees it: side effects counted
/// outside the journal, every request answered. (The mixed, seeded version of all of them is <see cref="ConcurrencyStressSpec"/>.)
/// </summary>
public sealed class ConcurrencySpec : IDisposable
{
    private readonly SqliteJournal _journal = new();

    [Fact]
    public async Task Fan_out_steps_should_each_run_exactly_once()
    {
        await using var host = _journal.StartHost(TestRegistry.Create(), "fan-out");
        var ids = Enumerable.Range(0, 80).Select(i => $"fan-{Guid.NewGuid():N}").ToList();

        await Task.WhenAll(ids.Select(id => host.Client.StartAsync(id, "StressFanOut", new StressPlan(4, 20, 0))));
        var results = await Task.WhenAll(ids.Select(id => host.Client.WaitAsync(id, Wait)));

        Assert.All(results, r => Assert.Equal("86", r.ResultJson)); // 20 + 21 + 22 + 23
        var executions = Ledger.Of(ids.ToHashSet());
        Assert.Equal(320, executions.Count);
        Assert.Empty(Ledger.Repeated(ids.ToHashSet()));
    }

    [Fact]
    public async Task Signal_arriving_while_a_step_runs_should_not_run_the_step_again()
    {
        await using var host = _journal.StartHost(TestRegistry.Create(), "signal-mid-step");
        var ids = Enumerable.Range(0, 80).Select(i => $"mid-{Guid.NewGuid():N}").ToList();

        await Task.WhenAll(ids.Select(async (id, i) =>
        {
            await host.Client.StartAsync(id, "StressSignalMidStep", new StressPlan(1, 25, 0));
            await Task.Delay(i % 40);
            await host.Client.SignalJsonAsync(id, "go", i.ToString());
        }));
        var results = await Task.WhenAll(ids.Select(id => host.Client.WaitAsync(id, Wait)));

        Assert.All(results, r => Assert.Equal(ExecutionStatus.Completed, r.Status));
        Assert.Equal(160, Ledger.Of(ids.ToHashSet()).Count); // two steps each
        Assert.Empty(Ledger.Repeated(ids.ToHashSet()));
    }

    [Fact]
    public async Task Wait_sent_with_a_status_question_to_a_sleeping_workflow_should_be_answered()
    {
        // The status question lets a sleeping workflow passivate at once; the wait reaches it before it stops.
        await using var host = _journal.StartHost(TestRegistry.Create(), "status-and-wait");
        var ids = Enumerable.Range(0, 40).Select(i => $"sleepy-{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(ids.Select(id => host.Client.StartAsync(id, "StressSleepThenSignal", new StressPlan(1, 1, 1500))));

        var waits = new List<Task<WorkflowStatus>>();
        foreach (var id in ids)
        {
            var status = host.Client.GetStatusAsync(id);
            waits.Add(host.Client.WaitAsync(id, Wait));
            Assert.Equal(ExecutionStatus.Running, (await status).Status);
        }
        await AwaitAsync(async () => Assert.All(await Task.WhenAll(ids.Select(id => host.Client.GetStatusAsync(id))),
            s => Assert.Contains("signal 'go'", s.WaitingOn)));
        await Task.WhenAll(ids.Select(id => host.Client.SignalJsonAsync(id, "go", "1")));

        var answered = await Task.WhenAll(waits);
        Assert.All(answered, s => Assert.Equal(("2", ExecutionStatus.Completed), (s.ResultJson, s.Status)));
    }

    [Fact]
    public async Task Cancel_racing_passivation_should_be_acknowledged_and_compensate_at_once()
    {
        await using var host = _journal.StartHost(TestRegistry.Create(), "cancel-race");
        var impatient = new WorkflowClient(host.Router, TimeSpan.FromSeconds(5));
        var ids = Enumerable.Range(0, 20).Select(i => $"nap-{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(ids.Select(id => host.Client.StartAsync(id, "SleepsUntilCancelled", 7)));

        await Task.WhenAll(ids.Select(async id =>
        {
            var status = impatient.GetStatusAsync(id); // lets it passivate
            await impatient.CancelAsync(id, "changed my mind");
            await status;
        }));
        var done = await Task.WhenAll(ids.Select(id => impatient.WaitAsync(id, TimeSpan.FromSeconds(5)))); // no second request wakes it

        Assert.All(done, s => Assert.Equal(ExecutionStatus.Cancelled, s.Status));
        Assert.All(ids, id => Assert.Equal(1, Ledger.RunsOf(id, 2, 1))); // the compensation, once
        await impatient.CancelAsync(ids[0], "again"); // a retry after it ended Cancelled is acknowledged, not refused
    }

    [Fact]
    public async Task Status_of_a_dormant_workflow_should_be_read_from_the_journal_without_waking_it()
    {
        var id = $"dormant-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create(), "dormant-status", ConfigurationFactory.ParseString("steadfast.passivate-after = 100ms"));
        await host.Client.StartAsync(id, "StressSleepThenSignal", new StressPlan(1, 1, 60_000));
        await AwaitAsync(async () => Assert.Equal((0, 1), await Counts(host)));

        var status = await host.Client.GetStatusAsync(id);

        Assert.Equal(ExecutionStatus.Running, status.Status);
        Assert.Contains(status.WaitingOn, w => w.StartsWith("timer (step 1) due"));
        Assert.Contains(status.RecentEvents, e => e.Contains("TimerStarted"));
        Assert.Equal((0, 1), await Counts(host)); // still on disk only
    }

    [Fact]
    public async Task Signal_resent_with_the_same_id_should_be_journaled_once()
    {
        var id = $"dedup-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create(), "dedup");
        await host.Client.StartAsync(id, "StressSleepThenSignal", new StressPlan(1, 1, 1));

        var other = await host.Client.SignalJsonAsync(id, "extra", "1", signalId: "order-42/extra"); // kept, never waited for
        var first = await host.Client.SignalJsonAsync(id, "go", "5", signalId: "order-42/approved");
        var again = await host.Client.SignalJsonAsync(id, "go", "5", signalId: "order-42/approved"); // may arrive after the end: still Duplicate

        Assert.Equal((false, false, true), (other.Duplicate, first.Duplicate, again.Duplicate));
        Assert.Equal("6", (await host.Client.WaitAsync(id, Wait)).ResultJson);
        Assert.True((await host.Client.SignalJsonAsync(id, "go", "5", signalId: "order-42/approved")).Duplicate); // a late retry: not "Finished"
        Assert.Equal(2, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}' AND manifest = 'SignalReceived.v2'"));
        var blank = await Assert.ThrowsAsync<WorkflowRequestException>(() => host.Client.SignalJsonAsync($"{id}", "go", "1", signalId: " "));
        Assert.Equal(RejectionReason.Invalid, blank.Reason);
    }

    [Fact]
    public async Task Start_again_with_the_same_input_in_another_key_order_should_be_the_same_start()
    {
        var id = $"same-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create(), "canonical");

        Assert.True((await host.Client.StartJsonAsync(id, "EchoTransfer", """{"from":"a","to":"b","amount":5}""")).Created);
        Assert.False((await host.Client.StartJsonAsync(id, "EchoTransfer", """{ "amount": 5, "to": "b", "from": "a" }""")).Created);
        var conflict = await Assert.ThrowsAsync<WorkflowStartException>(() => host.Client.StartJsonAsync(id, "EchoTransfer", """{"from":"a","to":"b","amount":6}"""));
        Assert.Equal(StartRejection.Conflict, conflict.Rejection.Reason);
    }

    [Fact]
    public async Task Input_missing_required_fields_should_be_rejected_and_nothing_journaled()
    {
        var id = $"shape-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create(), "shape");

        var wrong = await Assert.ThrowsAsync<WorkflowStartException>(() => host.Client.StartJsonAsync(id, "EchoTransfer", """{"foo":1}"""));

        Assert.Equal(StartRejection.MalformedInput, wrong.Rejection.Reason);
        Assert.Contains("missing required properties", wrong.Message);
        Assert.Equal(0, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}'"));
    }

    private static async Task<(int Active, int Dormant)> Counts(TestHost host)
    {
        var stats = await host.Client.GetRuntimeStatsAsync();
        return (stats.ActiveWorkflows, stats.DormantWorkflows);
    }

    public void Dispose() => _journal.Dispose();
}
