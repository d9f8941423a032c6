using Akka.Configuration;

using static Steadfast.Actors.Tests.Eventually;

namespace Steadfast.Actors.Tests;

/// <summary>Whole "hosts" (actor systems) stopped and started again on one real journal: a SQLite file (<see cref="OnSqlite"/>) and a PostgreSQL database (<see cref="OnPostgreSql"/>).</summary>
public abstract class RecoverySpec(IJournalUnderTest journal) : IDisposable
{
    private readonly IJournalUnderTest _journal = journal;

    public sealed class OnSqlite() : RecoverySpec(new SqliteJournal());

    public sealed class OnPostgreSql(PostgresServer server) : RecoverySpec(new PostgresJournal(server)), IClassFixture<PostgresServer>;

    [Fact]
    public async Task Restarted_host_should_resume_unfinished_workflows_without_rerunning_journaled_steps()
    {
        var ids = Enumerable.Range(0, 5).Select(i => $"resume-{i}-{Guid.NewGuid():N}").ToList();
        var first = _journal.StartHost(TestRegistry.Create(), "first");
        foreach (var (id, i) in ids.Select((id, i) => (id, i))) await first.Client.StartJsonAsync(id, "ThreeSteps", i.ToString());
        await AwaitAsync(async () =>
        {
            foreach (var id in ids)
                Assert.Equal(["activity GatedIncrement (step 2, attempt 1)"], (await first.Client.GetStatusAsync(id)).WaitingOn);
        });
        await first.System.Terminate();

        foreach (var id in ids) Gates.Release(id);
        await using var second = _journal.StartHost(TestRegistry.Create(), "second", ConfigurationFactory.ParseString("steadfast.snapshot-every = 9"));
        // Nobody asks: the router must find and finish them on its own.
        await AwaitAsync(() => Check(() => Assert.Equal(ids.Count,
            _journal.Count("SELECT COUNT(*) FROM journal WHERE manifest = 'WorkflowCompleted.v1'"))));
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var status = await second.Client.GetStatusAsync(id);
            var runs = $"{id}: {status.Status} {status.ResultJson ?? status.Error}; runs of steps 1-3: {Ledger.RunsOf(id, 1)}, {Ledger.RunsOf(id, 2)}, {Ledger.RunsOf(id, 3)}; " +
                       string.Join(" | ", _journal.Rows("workflow-" + id).Select(r => r.Manifest));
            Assert.True(status.Status == ExecutionStatus.Completed && status.ResultJson == (i + 3).ToString(), runs);
            Assert.True(Ledger.RunsOf(id, 1) == 1, runs); // journaled before the stop: never again
            Assert.True(Ledger.RunsOf(id, 2) is 1 or 2, runs); // in flight at the stop: at least once (twice if the first attempt had begun)
            Assert.True(Ledger.RunsOf(id, 3) == 1, runs);
        }
    }

    [Fact]
    public async Task Changed_workflow_code_should_suspend_that_workflow_with_the_step_and_let_others_finish()
    {
        var changed = $"changed-{Guid.NewGuid():N}";
        var other = $"other-{Guid.NewGuid():N}";
        var first = _journal.StartHost(TestRegistry.Create(), "v1");
        await first.Client.StartJsonAsync(changed, "ThreeSteps", "1");
        await first.Client.StartJsonAsync(other, "Retrying", """{"value":2,"failuresBeforeSuccess":0}""");
        await AwaitAsync(async () => Assert.NotEmpty((await first.Client.GetStatusAsync(changed)).WaitingOn));
        Assert.Equal(ExecutionStatus.Completed, (await first.Client.WaitAsync(other, Wait)).Status);
        await first.System.Terminate();

        Gates.Release(changed);
        await using (var second = _journal.StartHost(TestRegistry.Create(changedThreeSteps: true), "v2"))
        {
            var status = await second.Client.WaitAsync(changed, Wait);
            var fresh = $"fresh-{Guid.NewGuid():N}";
            await second.Client.StartJsonAsync(fresh, "Retrying", """{"value":3,"failuresBeforeSuccess":0}""");

            Assert.Equal(ExecutionStatus.Suspended, status.Status);
            Assert.StartsWith("Nondeterminism at step 1: expected ScheduleActivity 'Increment' input 1, but the code called ScheduleActivity 'Increment' input 1001", status.Error);
            Assert.Contains("TestWorkflows.cs:", status.Error);
            Assert.Equal("30", (await second.Client.WaitAsync(fresh, Wait)).ResultJson);
            Assert.Equal(0, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{changed}' AND manifest LIKE 'Workflow%ed.v1' AND manifest <> 'WorkflowStarted.v1'"));
        }

        // Putting the original code back resumes it: suspension is not journaled.
        await using var third = _journal.StartHost(TestRegistry.Create(), "v1-again");
        Assert.Equal("4", (await third.Client.WaitAsync(changed, Wait)).ResultJson);
    }

    [Fact]
    public async Task Finished_workflow_with_a_long_tail_should_be_snapshotted_and_answer_from_the_snapshot_after_restart()
    {
        var id = $"snap-{Guid.NewGuid():N}";
        var shortOne = $"short-{Guid.NewGuid():N}";
        Gates.Release(id);
        Gates.Release(shortOne);
        var snapshotEvery = ConfigurationFactory.ParseString("steadfast.snapshot-every = 7"); // ThreeSteps journals 8 events
        var first = _journal.StartHost(TestRegistry.Create(), "first", snapshotEvery);
        await first.Client.StartJsonAsync(id, "ThreeSteps", "10");
        Assert.Equal("13", (await first.Client.WaitAsync(id, Wait)).ResultJson);
        await AwaitAsync(() => Check(() => Assert.Equal(1,
            _journal.Count($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'workflow-{id}'"))));
        await first.System.Terminate();

        await using var second = _journal.StartHost(TestRegistry.Create(), "second", ConfigurationFactory.ParseString("steadfast.snapshot-every = 9"));
        var status = await second.Client.GetStatusAsync(id);
        Assert.Equal(ExecutionStatus.Completed, status.Status);
        Assert.Equal("13", status.ResultJson);
        Assert.Equal(3, status.Steps);
        Assert.Equal(1, Ledger.RunsOf(id, 3));

        // Below snapshot-every (8 events < 9) a finished workflow is read from its journal alone: no snapshot
        // write. A longer workflow started after it does get one: once that is stored, the short one's would be too.
        await second.Client.StartJsonAsync(shortOne, "ThreeSteps", "1");
        Assert.Equal("4", (await second.Client.WaitAsync(shortOne, Wait)).ResultJson);
        var witness = $"witness-{Guid.NewGuid():N}";
        await second.Client.StartJsonAsync(witness, "FanOut", "1");
        Assert.Equal("55", (await second.Client.WaitAsync(witness, Wait)).ResultJson);
        await AwaitAsync(() => Check(() => Assert.True(
            _journal.Count($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'workflow-{witness}'") > 0)));
        Assert.Equal(0, _journal.Count($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'workflow-{shortOne}'"));
    }

    [Fact]
    public async Task Unregistered_activity_should_fail_the_call_not_the_host()
    {
        var id = $"unreg-{Guid.NewGuid():N}";
        await using var host = _journal.StartHost(TestRegistry.WithoutHang(), "host");
        await host.Client.StartJsonAsync(id, "CallsUnregistered", "1");
        Assert.Equal("\"Steadfast.ActivityNotRegistered\"", (await host.Client.WaitAsync(id, Wait)).ResultJson);
    }

    public void Dispose()
    {
        _journal.Dispose();
        GC.SuppressFinalize(this);
    }
}
