using System.Text.Json;

namespace Steadfast.EndToEnd.Tests;

/// <summary>A scratch folder with a host configuration that replicates to one replica, and the disaster drill on it.</summary>
public sealed class ReplicationDrill : IDisposable
{
    public ReplicationDrill(object replica, IDictionary<string, string>? environment = null, bool acknowledgeAfterReplicated = false)
    {
        Directory.CreateDirectory(Folder);
        Environment = environment;
        ConfigFile = Path.Combine(Folder, "steadfast.json");
        File.WriteAllText(ConfigFile, JsonSerializer.Serialize(new
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
                    AcknowledgeAfterReplicated = acknowledgeAfterReplicated,
                    Replicas = new[] { replica },
                },
            },
        }));
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "steadfast-repl", Guid.NewGuid().ToString("N"));

    public IDictionary<string, string>? Environment { get; }

    /// <summary>For an S3 drill: where the replica lives.</summary>
    public (string Bucket, string Path) Replica { get; init; }

    public string ConfigFile { get; }

    public string DataDir => Path.Combine(Folder, "data");

    public string Db => Path.Combine(DataDir, "steadfast.db");

    public string LedgerFile => Path.Combine(Folder, "ledger.txt");

    public string LitestreamConfig => Path.Combine(DataDir, "litestream.yml");

    public HostProcess Host(int workflows, int run, bool serve = false, string stepMs = "100:300", bool stream = false)
    {
        var args = new List<string> { "--config", ConfigFile, "--ledger", LedgerFile, "--workflows", workflows.ToString(), "--run", run.ToString(), "--step-ms", stepMs };
        if (serve) args.Add("--serve");
        if (stream) args.Add("--stream");
        return HostProcess.StartTestHost(Environment, [.. args]);
    }

    /// <summary>
    /// Runs workflows, stops the host gracefully mid-flight, deletes the data folder, starts again: the journal
    /// is restored from the replica and every workflow finishes with the right result, no journaled step rerun.
    /// </summary>
    public async Task LoseTheDiskAndRestore(int workflows)
    {
        int ledgerAtStop;
        HashSet<string> journaledAtStop;
        using (var first = Host(workflows, run: 1, serve: true, stepMs: "300:900"))
        {
            await Journal.Until(() => Journal.StepsCompleted(Db) >= workflows * 3 / 4, TimeSpan.FromSeconds(60), () => first.Output);
            Assert.True(first.StopGracefully(TimeSpan.FromSeconds(30)), "the host did not stop on SIGTERM:\n" + first.Output);
            Assert.True(first.ExitCode == 0, "graceful stop failed:\n" + first.Output);
            Assert.Contains("Litestream stopped after shipping its last frames", first.Output);
            journaledAtStop = Journal.CompletedKeys(Db);
            ledgerAtStop = Ledger.Lines(LedgerFile).Length;
            Assert.True(Journal.WorkflowsCompleted(Db) < workflows, "every workflow finished before the stop: the drill proves nothing");
        }

        Directory.Delete(DataDir, recursive: true); // the disk is lost; the replica is all that is left

        using (var second = Host(workflows, run: 2))
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

    /// <summary>Waits until a restore taken now (while the host may run) holds <paramref name="completed"/> finished workflows.</summary>
    public async Task ReplicaEventuallyHolds(int completed, TimeSpan timeout, Func<string> context)
    {
        var restored = Path.Combine(Folder, "restored.db");
        await Journal.Until(() =>
        {
            File.Delete(restored);
            using var restore = HostProcess.StartLitestream(Environment, "restore", "-config", LitestreamConfig, "-o", restored, Db);
            restore.WaitForExit(TimeSpan.FromSeconds(30));
            return restore.ExitCode == 0 && Journal.WorkflowsCompleted(restored) == completed;
        }, timeout, context);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
