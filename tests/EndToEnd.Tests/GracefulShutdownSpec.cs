namespace Steadfast.EndToEnd.Tests;

/// <summary>SIGTERM under a stream of starts: nothing acknowledged is lost, nothing unacknowledged is reported done.</summary>
public sealed class GracefulShutdownSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-drain", Guid.NewGuid().ToString("N"));

    private string Db => Path.Combine(_dir, "data", "steadfast.db");

    [Fact]
    public async Task Sigterm_under_load_should_drain_and_lose_nothing_acknowledged()
    {
        Directory.CreateDirectory(_dir);
        string output;
        using (var host = Start(1))
        {
            await Journal.Until(() => host.Output.Split('\n').Count(l => l.StartsWith("DONE ")) >= 30, TimeSpan.FromSeconds(60), () => host.Output);
            Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)), "no graceful stop:\n" + host.Output);
            Assert.True(host.ExitCode == 0, host.Output);
            output = host.Output;
        }
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var acked = lines.Where(l => l.StartsWith("ACK ")).Select(l => l[4..]).ToHashSet();
        var done = lines.Where(l => l.StartsWith("DONE ")).Select(l => l.Split(' ')[1]).ToList();
        var started = Journal.Query(Db, "SELECT persistence_id FROM journal WHERE manifest = 'WorkflowStarted.v1'").Select(r => r[0]["workflow-".Length..]).ToHashSet();
        var completed = Journal.Query(Db, "SELECT persistence_id FROM journal WHERE manifest = 'WorkflowCompleted.v1'").Select(r => r[0]["workflow-".Length..]).ToHashSet();

        Assert.True(acked.IsSubsetOf(started), "acknowledged but not journaled: " + string.Join(", ", acked.Except(started).Take(5)));
        Assert.True(done.All(completed.Contains), "reported done but not journaled: " + string.Join(", ", done.Where(d => !completed.Contains(d)).Take(5)));

        // Everything acknowledged finishes after a restart, without any new start.
        using (var host = Start(2, stream: false))
        {
            await Journal.Until(() => acked.IsSubsetOf(Journal.Query(Db, "SELECT persistence_id FROM journal WHERE manifest = 'WorkflowCompleted.v1'")
                .Select(r => r[0]["workflow-".Length..]).ToHashSet()), TimeSpan.FromSeconds(60), () => host.Output);
            Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal("ok", Journal.IntegrityCheck(Db));
    }

    [Fact]
    public async Task Sigterm_during_steadfast_run_should_stop_cleanly_and_the_next_run_should_finish_the_rest()
    {
        Directory.CreateDirectory(_dir);
        var config = Path.Combine(_dir, "steadfast.json");
        File.WriteAllText(config, System.Text.Json.JsonSerializer.Serialize(new
        {
            Steadfast = new { DataDirectory = Path.Combine(_dir, "data"), Replication = new { Enabled = false } },
        }));
        using (var run = HostProcess.StartSteadfast(null, "--config", config, "run", "--workflows", "20"))
        {
            await Journal.Until(() => run.Output.Contains("Started 20 new sample workflow(s)"), TimeSpan.FromSeconds(60), () => run.Output);
            Assert.True(run.StopGracefully(TimeSpan.FromSeconds(30)), "no graceful stop:\n" + run.Output);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.DoesNotContain("Unhandled exception", run.Output);
        }
        using var again = HostProcess.StartSteadfast(null, "--config", config, "run", "--workflows", "20");
        Assert.True(again.WaitForExit(TimeSpan.FromSeconds(90)) && again.ExitCode == 0, again.Output);
        Assert.Equal(20, Journal.WorkflowsCompleted(Db));
    }

    private HostProcess Start(int run, bool stream = true) =>
        HostProcess.StartTestHost("--data", Path.Combine(_dir, "data"), "--ledger", Path.Combine(_dir, "ledger.txt"), "--workflows", "0",
            "--run", run.ToString(), "--step-ms", "20:80", stream ? "--stream" : "--serve");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
