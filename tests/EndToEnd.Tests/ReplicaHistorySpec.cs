using System.Text.Json;

namespace Steadfast.EndToEnd.Tests;

/// <summary>
/// History is never replaced by accident: a host that finds a journal which is not the replica's history (here an
/// empty file where the journal was) refuses to start instead of replicating it as a new generation; the operator
/// chooses a way on. The real `steadfast run`, the real Litestream, a file replica.
/// </summary>
public sealed class ReplicaHistorySpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-history", Guid.NewGuid().ToString("N"));

    private string DataDir => Path.Combine(_dir, "data");

    private string Db => Path.Combine(DataDir, "steadfast.db");

    [Fact]
    public void Empty_journal_over_a_replica_should_be_refused_and_restored_only_when_asked()
    {
        string firstOutput;
        using (var first = Run("--workflows", "5"))
        {
            Assert.True(first.ExitCode == 0, first.Output);
            firstOutput = first.Output;
        }
        Assert.Equal(5, Journal.WorkflowsCompleted(Db));
        Assert.True(ReplicaHasAGeneration(), "the first run should have shipped a generation:\n" + firstOutput);
        ReplaceDataFolderWithAnEmptyJournal();

        using (var refused = Run("--workflows", "5"))
        {
            Assert.True(refused.ExitCode == 4, refused.Output + "\n--- the first run:\n" + firstOutput);
            Assert.Contains($"The journal {Db} is an empty file, but replica 'local' holds generation", refused.Output);
            Assert.Contains("--restore-from-replica", refused.Output);
        }
        Assert.Equal(0, new FileInfo(Db).Length); // refused means untouched
        Assert.False(Directory.Exists(Path.Combine(DataDir, ".steadfast.db-litestream")), "Litestream must not have started on it");

        using (var restored = Run("--workflows", "5", "--restore-from-replica"))
        {
            Assert.True(restored.ExitCode == 0, restored.Output);
            Assert.Contains("Started 0 new sample workflow(s)", restored.Output); // the five came back from the replica
        }
        Assert.Equal(5, Journal.WorkflowsCompleted(Db));
        Assert.Single(Directory.GetFiles(DataDir, "steadfast.db.replaced-*"), f => !f.EndsWith("-wal") && !f.EndsWith("-shm"));

        using var again = Run("--workflows", "5"); // and the restored journal is the replica's history from now on
        Assert.True(again.ExitCode == 0, again.Output);
    }

    [Fact]
    public void Replacing_the_replica_history_should_take_an_explicit_flag()
    {
        using (var first = Run("--workflows", "3")) Assert.True(first.ExitCode == 0, first.Output);
        ReplaceDataFolderWithAnEmptyJournal();

        using (var discarded = Run("--workflows", "2", "--discard-replica-history"))
        {
            Assert.True(discarded.ExitCode == 0, discarded.Output);
            Assert.Contains("discard replica history was asked for", discarded.Output);
        }
        Assert.Equal(2, Journal.WorkflowsCompleted(Db));

        using var next = Run("--workflows", "2"); // the new generation is the replica's history now
        Assert.True(next.ExitCode == 0, next.Output);
    }

    private bool ReplicaHasAGeneration()
    {
        var generations = Path.Combine(_dir, "replica", "generations");
        return Directory.Exists(generations) && Directory.EnumerateFiles(generations, "*", SearchOption.AllDirectories).Any();
    }

    private void ReplaceDataFolderWithAnEmptyJournal()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
        Directory.CreateDirectory(DataDir);
        File.WriteAllBytes(Db, []);
    }

    private HostProcess Run(params string[] extra)
    {
        var config = Path.Combine(_dir, "steadfast.json");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            Steadfast = new
            {
                DataDirectory = DataDir,
                Replication = new { Enabled = true, Replicas = new[] { new { Type = "file", Name = "local", Path = Path.Combine(_dir, "replica") } } },
            },
        }));
        var host = HostProcess.StartSteadfast(null, ["--config", config, "run", .. extra]);
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(120)), "the host did not exit:\n" + host.Output);
        return host;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
