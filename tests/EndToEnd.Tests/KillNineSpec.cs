namespace Steadfast.EndToEnd.Tests;

/// <summary>The real host process killed with SIGKILL mid-flight, three times, then left to finish.</summary>
public sealed class KillNineSpec : IDisposable
{
    private const int Workflows = 200;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-e2e", Guid.NewGuid().ToString("N"));

    private string Db => Path.Combine(_dir, "data", "steadfast.db");

    private string LedgerFile => Path.Combine(_dir, "ledger.txt");

    [Fact]
    public async Task Workflows_killed_three_times_should_all_complete_correctly_without_rerunning_journaled_steps()
    {
        Directory.CreateDirectory(_dir);
        var journaledAtKill = new List<(HashSet<string> Keys, int LedgerLines)>();
        var completedSteps = 0L;

        for (var run = 1; run <= 3; run++)
        {
            using var host = Start(run);
            var target = completedSteps + 60;
            await Journal.Until(() => host.HasExited || Journal.StepsCompleted(Db) >= target, TimeSpan.FromSeconds(90), () => host.Output);
            host.KillHard();
            Assert.False(host.ExitCode == 0 && host.Output.Contains("DONE"), "the run finished before it could be killed:\n" + host.Output);

            completedSteps = Journal.StepsCompleted(Db);
            journaledAtKill.Add((Journal.CompletedKeys(Db), Ledger.Lines(LedgerFile).Length));
        }

        using (var last = Start(4))
        {
            Assert.True(last.WaitForExit(TimeSpan.FromMinutes(3)), "the last run did not finish:\n" + last.Output);
            Assert.True(last.ExitCode == 0, "the last run failed:\n" + last.Output);
        }

        var results = Journal.Results(Db);
        Assert.Equal(Workflows, results.Count);
        Assert.All(results, r => Assert.Equal(r.Input + 3, r.Result));
        foreach (var (keys, lines) in journaledAtKill) Ledger.AssertNotRerun(LedgerFile, keys, lines);
        Assert.Equal(Workflows * 3, Ledger.Lines(LedgerFile).Select(l => l.Split(' ')[1]).Distinct().Count());
        Assert.Equal("ok", Journal.IntegrityCheck(Db));
    }

    // Steps spread over 0.1-2.5 s: the kill comes when about a third of the steps in flight are done, and the
    // slowest still have seconds to go, however late a loaded machine lets this test notice the target.
    private HostProcess Start(int run) =>
        HostProcess.StartTestHost("--data", Path.Combine(_dir, "data"), "--ledger", LedgerFile, "--workflows", Workflows.ToString(),
            "--run", run.ToString(), "--step-ms", "100:2500");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
