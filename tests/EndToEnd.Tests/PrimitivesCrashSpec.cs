namespace Steadfast.EndToEnd.Tests;

/// <summary>
/// Timers, signals, children and cancellation with the host killed (SIGKILL) at the worst moments: the outcome
/// after the restarts must be the outcome without the crashes.
/// </summary>
public sealed class PrimitivesCrashSpec : IDisposable
{
    private const int Workflows = 20;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-prim", Guid.NewGuid().ToString("N"));

    private string Db => Path.Combine(_dir, "data", "steadfast.db");

    private string LedgerFile => Path.Combine(_dir, "ledger.txt");

    private long Count(string manifest, string idLike = "workflow-e2e-%") =>
        Journal.Count(Db, $"SELECT COUNT(*) FROM journal WHERE manifest = '{manifest}' AND persistence_id LIKE '{idLike}'");

    [Fact]
    public async Task Kills_while_sleeping_right_after_signals_and_with_children_half_done_should_not_change_any_result()
    {
        Directory.CreateDirectory(_dir);
        var journaled = new List<(HashSet<string> Keys, int Lines)>();
        void Killed(HostProcess host)
        {
            host.KillHard();
            journaled.Add((Journal.CompletedKeys(Db), Ledger.Lines(LedgerFile).Length));
        }

        // 1. Kill while every workflow sleeps on a durable timer.
        using (var host = Start(1))
        {
            await Journal.Until(() => Count("TimerStarted.v1") == Workflows, TimeSpan.FromSeconds(60), () => host.Output);
            Killed(host);
        }
        Assert.Equal(0, Count("TimerFired.v1"));

        // 2. Timers fire at their due time; signal every workflow and kill right after the last acknowledgement.
        using (var host = Start(2))
        {
            await Journal.Until(() => Count("TimerFired.v1") == Workflows, TimeSpan.FromSeconds(60), () => host.Output);
            for (var i = 0; i < Workflows; i++) host.Send($"signal e2e-{i} go {i * 10}");
            await Journal.Until(() => host.Output.Split('\n').Count(l => l.StartsWith("OK signal")) == Workflows, TimeSpan.FromSeconds(30), () => host.Output);
            Killed(host);
        }
        Assert.Equal(Workflows, Count("SignalReceived.v2")); // acknowledged means journaled

        // 3. Kill with the children half done: at the first child step this run completes (children may have
        // started before the last kill, so a fixed count could already be all of them).
        var childStepsBefore = Count("ActivityCompleted.v1", "workflow-e2e-%.%");
        using (var host = Start(3))
        {
            await Journal.Until(() => Count("ActivityCompleted.v1", "workflow-e2e-%.%") > childStepsBefore, TimeSpan.FromSeconds(60), () => host.Output);
            Killed(host);
        }
        Assert.True(Count("WorkflowCompleted.v1", "workflow-e2e-%.%") < Workflows, "every child finished before the kill");

        // 4. Let it finish.
        using (var host = Start(4, serve: false))
        {
            Assert.True(host.WaitForExit(TimeSpan.FromMinutes(2)), "the last run did not finish:\n" + host.Output);
            Assert.True(host.ExitCode == 0, host.Output);
        }

        var results = Journal.Query(Db, "SELECT persistence_id, json_extract(CAST(message AS TEXT), '$.result') FROM journal " +
                                        "WHERE manifest = 'WorkflowCompleted.v1' AND persistence_id NOT LIKE 'workflow-e2e-%.%'");
        Assert.Equal(Workflows, results.Count);
        foreach (var r in results)
        {
            var i = int.Parse(r[0]["workflow-e2e-".Length..]);
            Assert.Equal(i + 1 + 3 + i * 10, int.Parse(r[1])); // what a crash-free run returns
        }
        foreach (var (keys, lines) in journaled) Ledger.AssertNotRerun(LedgerFile, keys, lines);
        Assert.Equal(Workflows, Count("ChildWorkflowCompleted.v1"));
        Assert.Equal("ok", Journal.IntegrityCheck(Db));
    }

    [Fact]
    public async Task Cancel_acknowledged_just_before_a_kill_should_end_cancelled_with_compensation_run_once()
    {
        Directory.CreateDirectory(_dir);
        using (var host = Start(1, type: "CancellableLedger", workflows: 3))
        {
            await Journal.Until(() => Count("TimerStarted.v1") == 3, TimeSpan.FromSeconds(60), () => host.Output);
            host.Send("cancel e2e-1 changed my mind");
            await Journal.Until(() => host.Output.Contains("OK cancel e2e-1"), TimeSpan.FromSeconds(30), () => host.Output);
            host.KillHard();
        }
        Assert.Equal(1, Count("WorkflowCancelRequested.v1"));

        using (var host = Start(2, type: "CancellableLedger", workflows: 3))
        {
            await Journal.Until(() => Count("WorkflowCancelled.v1") == 1, TimeSpan.FromSeconds(60), () => host.Output);
            host.Send("cancel e2e-1 again"); // idempotent: a retry of the acknowledged cancel is acknowledged again, nothing journaled
            await Journal.Until(() => host.Output.Contains("OK cancel e2e-1 again"), TimeSpan.FromSeconds(30), () => host.Output);
            Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(1, Count("WorkflowCancelRequested.v1"));

        var cancelled = Journal.Query(Db, "SELECT persistence_id, json_extract(CAST(message AS TEXT), '$.reason') FROM journal WHERE manifest = 'WorkflowCancelled.v1'").Single();
        Assert.Equal(["workflow-e2e-1", "changed my mind"], cancelled);
        Assert.Single(Ledger.Lines(LedgerFile), l => l.Split(' ')[1] == "e2e-1/2"); // the compensation step ran exactly once
        Assert.Equal(0, Count("WorkflowCompleted.v1")); // the other two still sleep
    }

    private HostProcess Start(int run, bool serve = true, string type = "PrimitivesWorkflow", int workflows = Workflows)
    {
        var args = new List<string> { "--data", Path.Combine(_dir, "data"), "--ledger", LedgerFile, "--workflows", workflows.ToString(),
            "--run", run.ToString(), "--type", type, "--step-ms", "100:400" };
        if (serve) args.Add("--serve");
        return HostProcess.StartTestHost([.. args]);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
