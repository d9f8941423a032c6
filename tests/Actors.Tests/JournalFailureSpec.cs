using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;

namespace Steadfast.Actors.Tests;

/// <summary>Journal writes failing under a running workflow, injected with Akka.Persistence.TestKit's journal.</summary>
public sealed class JournalFailureSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly WorkflowClient _client;
    private readonly Akka.Actor.IActorRef _registry;
    private readonly ITestJournal _journal;
    private readonly ITestSnapshotStore _snapshots;

    public JournalFailureSpec() : base(ConfigurationFactory.ParseString("""
            akka.persistence.journal {
              plugin = "akka.persistence.journal.test"
              test.class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
              test.plugin-dispatcher = "akka.actor.default-dispatcher"
              test.circuit-breaker { max-failures = 10, call-timeout = 10s, reset-timeout = 2s }
            }
            akka.persistence.snapshot-store {
              plugin = "akka.persistence.snapshot-store.test"
              test.class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
              test.plugin-dispatcher = "akka.actor.default-dispatcher"
            }
            """).WithFallback(SqliteJournal.SteadfastOverrides).WithFallback(SteadfastSettings.Reference), "journal-failure")
    {
        _registry = Sys.ActorOf(WorkflowRouter.Props(TestRegistry.Create(), SteadfastSettings.From(Sys.Settings.Config),
            SqliteJournal.Services(), reads: null), "steadfast");
        _client = new WorkflowClient(_registry, Wait);
        _journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        _snapshots = TestSnapshotStore.FromRef(Persistence.Instance.Apply(Sys).SnapshotStoreFor(null));
    }

    [Fact]
    public async Task Failing_journal_writes_should_stop_progress_lose_nothing_and_resume_when_writes_succeed()
    {
        var id = $"jf-{Guid.NewGuid():N}";
        await _client.StartJsonAsync(id, "ThreeSteps", "1");
        await AwaitAssertAsync(async () => Assert.Equal(["activity GatedIncrement (step 2, attempt 1)"], (await _client.GetStatusAsync(id)).WaitingOn), Wait);

        await _journal.OnWrite.Fail();
        Gates.Release(id);

        // Step 2's result cannot be journaled: the actor stops, is recovered with backoff and runs step 2 again.
        await AwaitAssertAsync(() => Assert.True(Ledger.RunsOf(id, 2) >= 3, $"step 2 ran {Ledger.RunsOf(id, 2)} time(s)"), Wait);
        await _journal.OnWrite.Pass(); // nothing else is written until the journal accepts writes
        var status = await _client.WaitAsync(id, Wait);

        Assert.Equal(ExecutionStatus.Completed, status.Status);
        Assert.Equal("4", status.ResultJson);
        Assert.Equal(1, Ledger.RunsOf(id, 1));
        Assert.Equal(1, Ledger.RunsOf(id, 3));
    }

    [Fact]
    public async Task A_request_that_meets_a_failing_recovery_should_be_answered_once_recovery_succeeds()
    {
        var id = $"jf-parked-{Guid.NewGuid():N}";
        await StartThenFailWritesAndRecoveryAtStepTwo(id);
        var failures = 0;
        await AwaitAssertAsync(async () => Assert.True((failures = await FailureCount(id)) > 0), Wait);

        // Sent while faulted: it brings up an actor whose recovery fails with the request stashed.
        var wait = _client.WaitAsync(id, Wait);
        await AwaitAssertAsync(async () => Assert.True(await FailureCount(id) > failures), Wait);
        await _journal.OnWrite.Pass();
        await _journal.OnRecovery.Pass();

        var done = await wait;
        Assert.Equal(("4", ExecutionStatus.Completed), (done.ResultJson, done.Status));
    }

    [Fact]
    public async Task Burst_of_write_failures_that_opens_the_breaker_should_leave_no_workflow_behind()
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"jf-burst-{i}-{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(ids.Select(id => _client.StartJsonAsync(id, "ThreeSteps", "1")));
        await AwaitAssertAsync(async () => Assert.All(await Task.WhenAll(ids.Select(id => _client.GetStatusAsync(id))),
            s => Assert.Equal(["activity GatedIncrement (step 2, attempt 1)"], s.WaitingOn)), Wait);

        // 100 failed writes open the journal's breaker (10 failures); recoveries then fail fast on it too.
        await _journal.OnWrite.Fail();
        foreach (var id in ids) Gates.Release(id);
        await AwaitAssertAsync(async () =>
        {
            var faulted = (await Task.WhenAll(ids.Select(id => new WorkflowClient(_registry, TimeSpan.FromSeconds(2)).GetStatusAsync(id))))
                .Count(s => s is { Status: ExecutionStatus.Faulted, Error: not null } && s.Error.Contains("failure"));
            Assert.True(faulted > 50, $"{faulted} of 100 faulted");
        }, Wait);

        await _journal.OnWrite.Pass();
        var waits = ids.Select(id => _client.WaitAsync(id, TimeSpan.FromSeconds(60))).ToList();
        try
        {
            await Task.WhenAll(waits);
        }
        catch (WorkflowTimeoutException)
        {
            // Say what the unanswered ones look like now, so that a failure here can be diagnosed from the CI log.
            var quick = new WorkflowClient(_registry, TimeSpan.FromSeconds(5));
            var unanswered = ids.Where((_, i) => !waits[i].IsCompletedSuccessfully).ToList();
            var states = await Task.WhenAll(unanswered.Select(async id =>
            {
                try
                {
                    var s = await quick.GetStatusAsync(id);
                    return $"{id}: {s.Status} {s.Error} waiting on [{string.Join("; ", s.WaitingOn)}], last: {s.RecentEvents.LastOrDefault()}";
                }
                catch (WorkflowTimeoutException)
                {
                    return $"{id}: no status answer either";
                }
            }));
            var stats = await quick.GetRuntimeStatsAsync();
            Assert.Fail($"{unanswered.Count} of 100 waits unanswered after the fault ended; router: {stats}\n{string.Join("\n", states)}");
        }
        var done = waits.Select(w => w.Result).ToList();

        Assert.All(done, s => Assert.Equal(("4", ExecutionStatus.Completed), (s.ResultJson, s.Status)));
        Assert.All(ids, id => Assert.Equal(1, Ledger.RunsOf(id, 1))); // journaled before the fault: never again
    }

    /// <summary>Step 2's result cannot be written: the actor stops, and cannot be recovered until the journal passes again.</summary>
    private async Task StartThenFailWritesAndRecoveryAtStepTwo(string id)
    {
        await _client.StartJsonAsync(id, "ThreeSteps", "1");
        await AwaitAssertAsync(async () => Assert.Equal(["activity GatedIncrement (step 2, attempt 1)"], (await _client.GetStatusAsync(id)).WaitingOn), Wait);
        await _journal.OnRecovery.Fail();
        await _journal.OnWrite.Fail();
        Gates.Release(id);
    }

    private async Task<int> FailureCount(string id)
    {
        var status = await new WorkflowClient(_registry, TimeSpan.FromSeconds(1)).GetStatusAsync(id);
        var match = System.Text.RegularExpressions.Regex.Match(status.Error ?? "", @"\(failure (\d+);");
        return status.Status == ExecutionStatus.Faulted && match.Success ? int.Parse(match.Groups[1].Value) : 0;
    }

    [Fact]
    public async Task Failing_recovery_should_show_the_workflow_faulted_and_resume_once_the_journal_reads_again()
    {
        var id = $"jf-recovery-{Guid.NewGuid():N}";
        await StartThenFailWritesAndRecoveryAtStepTwo(id);

        await AwaitAssertAsync(async () =>
        {
            var status = await new WorkflowClient(_registry, TimeSpan.FromSeconds(1)).GetStatusAsync(id);
            Assert.Equal(ExecutionStatus.Faulted, status.Status);
            Assert.Contains("recovery failed", status.Error);
        }, Wait);

        await _journal.OnWrite.Pass();
        await _journal.OnRecovery.Pass();
        var done = await _client.WaitAsync(id, Wait);
        Assert.Equal(("4", ExecutionStatus.Completed), (done.ResultJson, done.Status));
        Assert.Equal(1, Ledger.RunsOf(id, 1));
    }

    [Fact]
    public async Task Failing_snapshot_saves_should_not_stop_a_workflow()
    {
        var id = $"jf-snap-{Guid.NewGuid():N}";
        Gates.Release(id);
        await _snapshots.OnSave.Fail();
        try
        {
            await _client.StartJsonAsync(id, "ThreeSteps", "1");
            Assert.Equal("4", (await _client.WaitAsync(id, Wait)).ResultJson);
            Assert.Equal(ExecutionStatus.Completed, (await _client.GetStatusAsync(id)).Status);
        }
        finally
        {
            await _snapshots.OnSave.Pass();
        }
    }

    [Fact]
    public async Task A_start_whose_writes_keep_failing_should_be_refused_with_the_reason_not_left_to_time_out()
    {
        var id = $"jf-full-{Guid.NewGuid():N}";
        await _journal.OnWrite.Fail();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<WorkflowStartException>(() => _client.StartJsonAsync(id, "ThreeSteps", "1"));

            Assert.Equal(StartRejection.Unavailable, refused.Rejection.Reason);
            Assert.Contains($"Workflow '{id}' cannot write to its journal now (journal write failed", refused.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
        }
        finally
        {
            await _journal.OnWrite.Pass();
        }
        Assert.True((await _client.StartJsonAsync(id, "ThreeSteps", "1")).Created); // nothing was journaled: sending it again starts it
        Gates.Release(id);
        Assert.Equal("4", (await _client.WaitAsync(id, Wait)).ResultJson);
    }

    [Fact]
    public async Task Start_should_be_acknowledged_only_once_its_write_succeeds()
    {
        var id = $"jf-start-{Guid.NewGuid():N}";
        await _journal.OnWrite.Fail();

        // The failed write stops the actor; the start goes back to the router and is retried by the next
        // incarnation: not acknowledged meanwhile, and not lost.
        var start = _client.StartJsonAsync(id, "ThreeSteps", "1");
        await AwaitAssertAsync(async () => Assert.Equal(ExecutionStatus.Faulted, (await _client.GetStatusAsync(id)).Status), Wait);
        Assert.False(start.IsCompleted);

        await _journal.OnWrite.Pass();
        Assert.True((await start).Created);
        Gates.Release(id);
        Assert.Equal("4", (await _client.WaitAsync(id, Wait)).ResultJson);
    }
}
