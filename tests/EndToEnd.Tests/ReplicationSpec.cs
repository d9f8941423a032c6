using System.Text.Json;

namespace Steadfast.EndToEnd.Tests;

/// <summary>The real Litestream binary under the host, with a file replica on this machine.</summary>
public sealed class ReplicationSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-repl", Guid.NewGuid().ToString("N"));

    public ReplicationSpec() => Directory.CreateDirectory(_dir);

    private string DataDir => Path.Combine(_dir, "data");

    private string Db => Path.Combine(DataDir, "steadfast.db");

    private string LedgerFile => Path.Combine(_dir, "ledger.txt");

    private string LitestreamConfig => Path.Combine(DataDir, "litestream.yml");

    [Fact]
    public async Task Lost_data_folder_should_be_restored_from_the_file_replica_and_unfinished_workflows_should_finish()
    {
        const int workflows = 40;
        var config = WriteConfig(new { Type = "file", Name = "local", Path = Path.Combine(_dir, "replica") });

        int ledgerAtStop;
        HashSet<string> journaledAtStop;
        using (var first = Host(config, workflows, run: 1, serve: true, stepMs: "300:900"))
        {
            await Journal.Until(() => Journal.StepsCompleted(Db) >= 30, TimeSpan.FromSeconds(60), () => first.Output);
            Assert.True(first.StopGracefully(TimeSpan.FromSeconds(30)), "the host did not stop on SIGTERM:\n" + first.Output);
            Assert.True(first.ExitCode == 0, "graceful stop failed:\n" + first.Output);
            Assert.Contains("Litestream stopped after shipping its last frames", first.Output);
            journaledAtStop = Journal.CompletedKeys(Db);
            ledgerAtStop = Ledger.Lines(LedgerFile).Length;
            Assert.True(Journal.WorkflowsCompleted(Db) < workflows, "every workflow finished before the stop: the drill proves nothing");
        }

        Directory.Delete(DataDir, recursive: true); // the disk is lost; the replica is all that is left

        using (var second = Host(config, workflows, run: 2))
        {
            Assert.True(second.WaitForExit(TimeSpan.FromMinutes(2)), "the restored host did not finish:\n" + second.Output);
            Assert.True(second.ExitCode == 0, "the restored host failed:\n" + second.Output);
            Assert.Contains("Restored " + Db + " from the replica", second.Output);
        }

        var results = Journal.Results(Db);
        Assert.Equal(workflows, results.Count);
        Assert.All(results, r => Assert.Equal(r.Input + 3, r.Result));
        Assert.True(journaledAtStop.IsSubsetOf(Journal.CompletedKeys(Db)), "a step journaled before the stop is missing after the restore");
        Ledger.AssertNotRerun(LedgerFile, journaledAtStop, ledgerAtStop);
        Assert.Equal("ok", Journal.IntegrityCheck(Db));
    }

    [Fact]
    public async Task Killed_litestream_should_be_restarted_and_replication_should_continue()
    {
        const int workflows = 30;
        var config = WriteConfig(new { Type = "file", Name = "local", Path = Path.Combine(_dir, "replica") });
        using var host = Host(config, workflows, run: 1, serve: true, stepMs: "400:1200");
        await Journal.Until(() => Signals.FindProcesses("replicate", LitestreamConfig).Count == 1, TimeSpan.FromSeconds(60), () => host.Output);
        var original = Signals.FindProcesses("replicate", LitestreamConfig).Single();

        Assert.Equal(0, Signals.Kill(original, Signals.Sigkill));

        await Journal.Until(() => Signals.FindProcesses("replicate", LitestreamConfig) is [var p] && p != original, TimeSpan.FromSeconds(30), () => host.Output);
        Assert.Contains($"Litestream (pid {original}) exited unexpectedly", host.Output);
        await Journal.Until(() => Journal.WorkflowsCompleted(Db) == workflows, TimeSpan.FromSeconds(90), () => host.Output);

        // Frames written after the kill reach the replica: a restore taken now, while the host runs, has every result.
        var restored = Path.Combine(_dir, "restored.db");
        await Journal.Until(() =>
        {
            File.Delete(restored);
            using var restore = HostProcess.StartLitestream("restore", "-config", LitestreamConfig, "-o", restored, Db);
            restore.WaitForExit(TimeSpan.FromSeconds(30));
            return restore.ExitCode == 0 && Journal.WorkflowsCompleted(restored) == workflows;
        }, TimeSpan.FromSeconds(30), () => host.Output);
        Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)));
    }

    private string WriteConfig(object replica, bool startEmpty = false)
    {
        var path = Path.Combine(_dir, "steadfast.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Steadfast = new
            {
                DataDirectory = DataDir,
                Replication = new
                {
                    Enabled = true,
                    MonitorInterval = "00:00:00.100",
                    SyncInterval = "00:00:00.100",
                    StatusInterval = "00:00:01",
                    StartEmptyIfReplicaUnreachable = startEmpty,
                    Replicas = new[] { replica },
                },
            },
        }));
        return path;
    }

    private HostProcess Host(string config, int workflows, int run, bool serve = false, string stepMs = "100:300")
    {
        var args = new List<string> { "--config", config, "--ledger", LedgerFile, "--workflows", workflows.ToString(), "--run", run.ToString(), "--step-ms", stepMs };
        if (serve) args.Add("--serve");
        return HostProcess.StartTestHost([.. args]);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
