using Akka.Configuration;

using static Steadfast.Actors.Tests.Eventually;

namespace Steadfast.Actors.Tests;

/// <summary>Timers, signals, children, cancellation and fan-out on a real journal, across host restarts: a SQLite file (<see cref="OnSqlite"/>) and a PostgreSQL database (<see cref="OnPostgreSql"/>).</summary>
public abstract class PrimitivesSpec(IJournalUnderTest journal) : IDisposable
{
    private readonly IJournalUnderTest _journal = journal;

    public sealed class OnSqlite() : PrimitivesSpec(new SqliteJournal());

    public sealed class OnPostgreSql(PostgresServer server) : PrimitivesSpec(new PostgresJournal(server)), IClassFixture<PostgresServer>;

    [Fact]
    public async Task Timer_should_fire_at_its_journaled_due_time_after_a_restart_not_a_fresh_interval()
    {
        var id = $"nap-{Guid.NewGuid():N}";
        var first = _journal.StartHost(TestRegistry.Create(), "first");
        await first.Client.StartJsonAsync(id, "Napper", "1500");
        await AwaitAsync(async () => Assert.Contains("timer (step 1) due", string.Join(",", (await first.Client.GetStatusAsync(id)).WaitingOn)));
        await first.System.Terminate();
        await Task.Delay(600);

        await using var second = _journal.StartHost(TestRegistry.Create(), "second");
        var restartedAt = DateTimeOffset.UtcNow;
        var status = await second.Client.WaitAsync(id, Wait);
        Assert.Equal("1501", status.ResultJson);
        var rows = _journal.Rows("workflow-" + id);
        var started = rows.Single(r => r.Manifest == "TimerStarted.v1").Payload;
        var fired = rows.Single(r => r.Manifest == "TimerFired.v1").Payload;
        var dueAt = DateTimeOffset.Parse(System.Text.Json.JsonDocument.Parse(started).RootElement.GetProperty("fireAt").GetString()!);
        var firedAt = DateTimeOffset.Parse(System.Text.Json.JsonDocument.Parse(fired).RootElement.GetProperty("timestamp").GetString()!);
        Assert.InRange(firedAt - dueAt, TimeSpan.Zero, TimeSpan.FromMilliseconds(900));
        Assert.True(firedAt < restartedAt.AddMilliseconds(1400), $"fired at {firedAt:O}, {firedAt - restartedAt} after the restart: a fresh interval");
    }

    [Fact]
    public async Task Signal_sent_before_the_wait_should_be_kept_durably_across_a_restart()
    {
        var id = $"sig-{Guid.NewGuid():N}";
        var first = _journal.StartHost(TestRegistry.Create(), "first");
        await first.Client.StartJsonAsync(id, "AwaitsApproval", "1");
        await first.Client.SignalAsync(id, "approval", new Approval("ann", true)); // the workflow is still in its gated step
        Assert.Contains(_journal.Rows("workflow-" + id), r => r.Manifest == "SignalReceived.v2" && r.Payload.Contains("\"by\":\"ann\""));
        await first.System.Terminate();

        Gates.Release(id);
        await using var second = _journal.StartHost(TestRegistry.Create(), "second");
        await AwaitAsync(async () => Assert.Contains("signal 'note'", (await second.Client.GetStatusAsync(id)).WaitingOn));
        await second.Client.SignalAsync(id, "note", "thanks");
        var status = await second.Client.WaitAsync(id, Wait);
        Assert.Equal("\"ann:True:thanks\"", status.ResultJson);
        Assert.Contains(status.RecentEvents, e => e.Contains("WorkflowCompleted"));
    }

    [Fact]
    public async Task Workflow_waiting_only_for_a_signal_should_leave_memory_and_come_back_for_the_signal()
    {
        var id = $"sleeper-{Guid.NewGuid():N}";
        Gates.Release(id);
        await using var host = _journal.StartHost(TestRegistry.Create(), "passivate", ConfigurationFactory.ParseString("steadfast.passivate-after = 200ms"));
        await host.Client.StartJsonAsync(id, "AwaitsApproval", "1");
        await AwaitAsync(async () => Assert.Contains("signal 'approval'", (await host.Client.GetStatusAsync(id)).WaitingOn));
        await AwaitPassivated(host.System, id);

        await host.Client.SignalAsync(id, "approval", new Approval("eve", true));
        await host.Client.SignalAsync(id, "note", "later");

        Assert.Equal("\"eve:True:later\"", (await host.Client.WaitAsync(id, Wait)).ResultJson);
    }

    [Fact]
    public async Task Requests_that_arrive_while_a_workflow_passivates_should_be_answered()
    {
        var id = $"racing-{Guid.NewGuid():N}"; // ThreeSteps waits in its gated step 2: in memory, never idle by itself
        await using var host = _journal.StartHost(TestRegistry.Create(), "racing");
        await host.Client.StartJsonAsync(id, "ThreeSteps", "1");
        await AwaitAsync(async () => Assert.Contains("activity GatedIncrement (step 2, attempt 1)", (await host.Client.GetStatusAsync(id)).WaitingOn));

        // The router starts stopping it; the questions enqueued behind that are buffered until it has
        // stopped, then go to its next incarnation, and must still reach their askers.
        var quick = new WorkflowClient(host.Router, TimeSpan.FromSeconds(5));
        host.Router.Tell(new RouterProtocol.Passivate(id, Dormant: false, HasSnapshot: false, WakeAt: null), Akka.Actor.ActorRefs.NoSender);
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => quick.GetStatusAsync(id)));
        Assert.All(answers, s => Assert.Equal(ExecutionStatus.Running, s.Status));

        Gates.Release(id);
        Assert.Equal("4", (await host.Client.WaitAsync(id, Wait)).ResultJson);
    }

    [Fact]
    public async Task Workflow_sleeping_on_a_durable_timer_should_leave_memory_and_come_back_when_the_timer_is_due()
    {
        var id = $"napper-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create(), "timer-passivate", ConfigurationFactory.ParseString("steadfast.passivate-after = 200ms"));
        await host.Client.StartJsonAsync(id, "Napper", "2500");
        await AwaitPassivated(host.System, id);
        Assert.Equal(1, (await host.Client.GetRuntimeStatsAsync()).DormantWorkflows);
        Assert.Equal(0, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}' AND manifest = 'TimerFired.v1'"));

        // Nobody asks: the router's wake-up brings it back when the timer is due, and it finishes.
        await AwaitAsync(() => Check(() => Assert.Equal(1,
            _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}' AND manifest = 'WorkflowCompleted.v1'"))));
        Assert.Equal("2501", (await host.Client.GetStatusAsync(id)).ResultJson);
    }

    [Fact]
    public async Task Host_start_should_leave_workflows_waiting_only_for_a_signal_on_disk_until_the_signal_comes()
    {
        var waiting = $"dormant-{Guid.NewGuid():N}";
        var busy = $"busy-{Guid.NewGuid():N}"; // its step 2 waits on a gate: it must be recovered at start
        Gates.Release(waiting);
        await using (var first = _journal.StartHost(TestRegistry.Create(), "before"))
        {
            await first.Client.StartJsonAsync(waiting, "AwaitsApproval", "1");
            await first.Client.StartJsonAsync(busy, "ThreeSteps", "1");
            await AwaitAsync(async () => Assert.Contains("signal 'approval'", (await first.Client.GetStatusAsync(waiting)).WaitingOn));
            await AwaitAsync(async () => Assert.Contains("activity GatedIncrement (step 2, attempt 1)", (await first.Client.GetStatusAsync(busy)).WaitingOn));
        }

        var found = await _journal.FindUnfinished();
        Assert.Equal([waiting], found.Dormant);
        Assert.Equal([busy], found.Recover);

        await using (var second = _journal.StartHost(TestRegistry.Create(), "after"))
        {
            await AwaitAsync(async () => Assert.Equal(new RuntimeStats(ActiveWorkflows: 1, DormantWorkflows: 1, ResumeDone: true, InFlight: 1), await second.Client.GetRuntimeStatsAsync()));
            Gates.Release(busy);
            Assert.Equal("4", (await second.Client.WaitAsync(busy, Wait)).ResultJson);

            await second.Client.SignalAsync(waiting, "approval", new Approval("eve", true)); // recovers it, then journals the signal
            Assert.Equal(0, (await second.Client.GetRuntimeStatsAsync()).DormantWorkflows);
            await second.Client.SignalAsync(waiting, "note", "later");
            Assert.Equal("\"eve:True:later\"", (await second.Client.WaitAsync(waiting, Wait)).ResultJson);
        }
        // After a signal the workflow waited on a timer too: no longer dormant by its newest event; and it finished.
        Assert.Empty((await _journal.FindUnfinished()).Dormant);
    }

    [Fact]
    public async Task Dormant_workflows_signalled_together_should_each_recover_from_its_own_history()
    {
        var ids = Enumerable.Range(0, 60).Select(i => $"woken-{i}-{Guid.NewGuid():N}").ToList();
        await using (var first = _journal.StartHost(TestRegistry.Create(), "before"))
        {
            foreach (var (id, i) in ids.Select((id, i) => (id, i))) await first.Client.StartJsonAsync(id, "AddsSignal", (100 * i).ToString());
            await AwaitAsync(async () =>
            {
                foreach (var id in ids) Assert.Contains("signal 'add'", (await first.Client.GetStatusAsync(id)).WaitingOn);
            });
        }

        await using (var second = _journal.StartHost(TestRegistry.Create(), "after"))
        {
            await AwaitAsync(async () => Assert.Equal(ids.Count, (await second.Client.GetRuntimeStatsAsync()).DormantWorkflows));
            // All at once: the router reads their histories in bulk and each actor must recover from its own.
            await Task.WhenAll(ids.Select((id, i) => second.Client.SignalAsync(id, "add", i)));
            var results = await Task.WhenAll(ids.Select(id => second.Client.WaitAsync(id, Wait)));
            Assert.Equal(ids.Select((_, i) => (100 * i + 1 + i).ToString()), results.Select(r => r.ResultJson));
            Assert.Equal(0, (await second.Client.GetRuntimeStatsAsync()).DormantWorkflows);
        }
    }

    [Fact]
    public async Task Signal_wait_with_timeout_should_time_out_durably()
    {
        var id = $"sig-timeout-{Guid.NewGuid():N}";
        Gates.Release(id);
        await using var host = _journal.StartHost(TestRegistry.Create());
        await host.Client.StartJsonAsync(id, "AwaitsApproval", "1");
        await host.Client.SignalAsync(id, "approval", new Approval("bob", false));
        Assert.Equal("\"bob:False:no note\"", (await host.Client.WaitAsync(id, Wait)).ResultJson);
    }

    [Fact]
    public async Task Signals_and_cancels_to_unknown_or_finished_workflows_should_be_refused_specifically()
    {
        var id = $"done-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create());
        await host.Client.StartJsonAsync(id, "Ordering", """{"sku":"a","quantity":1}""");
        await host.Client.WaitAsync(id, Wait);

        var unknown = await Assert.ThrowsAsync<WorkflowRequestException>(() => host.Client.SignalJsonAsync("nobody", "x", "1"));
        var finished = await Assert.ThrowsAsync<WorkflowRequestException>(() => host.Client.SignalJsonAsync(id, "x", "1"));
        var badJson = await Assert.ThrowsAsync<WorkflowRequestException>(() => host.Client.SignalJsonAsync(id, "x", "{oops"));
        var cancelFinished = await Assert.ThrowsAsync<WorkflowRequestException>(() => host.Client.CancelAsync(id, "late"));

        Assert.Equal(RejectionReason.NotFound, unknown.Reason);
        Assert.Equal(RejectionReason.Finished, finished.Reason);
        Assert.Contains("has already finished (WorkflowCompleted)", finished.Message);
        Assert.Equal(RejectionReason.Invalid, badJson.Reason);
        Assert.Equal(RejectionReason.Finished, cancelFinished.Reason);
        Assert.DoesNotContain(_journal.Rows("workflow-" + id), r => r.Manifest is "SignalReceived.v2" or "WorkflowCancelRequested.v1");
    }

    [Fact]
    public async Task Children_should_run_as_their_own_workflows_and_survive_a_parent_restart()
    {
        var id = $"parent-{Guid.NewGuid():N}";
        var first = _journal.StartHost(TestRegistry.Create(), "first");
        await first.Client.StartJsonAsync(id, "ParentOfThree", "10");
        await AwaitAsync(() => Check(() => Assert.Equal(3, _journal.Rows("workflow-" + id).Count(r => r.Manifest == "ChildWorkflowStarted.v1"))));
        await first.System.Terminate();

        await using var second = _journal.StartHost(TestRegistry.Create(), "second");
        Assert.Equal("36", (await second.Client.WaitAsync(id, Wait)).ResultJson); // (10+1)+(11+1)+(12+1)
        foreach (var step in new[] { 1, 2, 3 })
        {
            var child = await second.Client.GetStatusAsync($"{id}.{step}");
            Assert.Equal(ExecutionStatus.Completed, child.Status);
            Assert.Equal(1, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}.{step}' AND manifest = 'WorkflowStarted.v1'"));
        }
    }

    [Fact]
    public async Task Cancel_should_cancel_the_running_activity_run_compensation_and_end_cancelled()
    {
        var id = $"cancel-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create());
        await host.Client.StartJsonAsync(id, "CancellableWork", "5");
        await AwaitAsync(() => Check(() => Assert.Equal(1, Ledger.RunsOf(id, 1))));

        await host.Client.CancelAsync(id, "customer withdrew");
        var status = await host.Client.WaitAsync(id, Wait);

        Assert.Equal(ExecutionStatus.Cancelled, status.Status);
        Assert.Equal("Cancelled: customer withdrew", status.Error);
        await AwaitAsync(() => Check(() => Assert.Equal(1, Hang.Cancellations.GetValueOrDefault(id))));
        Assert.Equal(1, Ledger.RunsOf(id, 2)); // the compensation step
        Assert.Equal(["WorkflowCancelRequested.v1", "ActivityScheduled.v1", "ActivityCompleted.v1", "WorkflowCancelled.v1"],
            _journal.Rows("workflow-" + id).Select(r => r.Manifest).SkipWhile(m => m != "WorkflowCancelRequested.v1"));
        await host.Client.CancelAsync($"nobody-{id}", "x").ContinueWith(t => Assert.Equal(RejectionReason.NotFound, ((WorkflowRequestException)t.Exception!.InnerException!).Reason));
    }

    [Fact]
    public async Task Fan_out_should_respect_the_concurrent_activity_limit()
    {
        var id = $"fan-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.Create(), "fan", ConfigurationFactory.ParseString("steadfast.max-concurrent-activities = 3"));
        await host.Client.StartJsonAsync(id, "FanOut", "1");
        Assert.Equal("55", (await host.Client.WaitAsync(id, Wait)).ResultJson);
        Assert.InRange(Tracked.MaxConcurrent(id), 1, 3);
    }

    /// <summary>Waits until the workflow's actor has left memory.</summary>
    private static Task AwaitPassivated(Akka.Actor.ActorSystem system, string id) =>
        AwaitAsync(async () => await Assert.ThrowsAsync<Akka.Actor.ActorNotFoundException>(() =>
            system.ActorSelection($"/user/steadfast/{id}").ResolveOne(TimeSpan.FromMilliseconds(200))));

    public void Dispose()
    {
        _journal.Dispose();
        GC.SuppressFinalize(this);
    }
}
