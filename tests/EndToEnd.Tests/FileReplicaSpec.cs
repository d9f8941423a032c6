namespace Steadfast.EndToEnd.Tests;

/// <summary>The real Litestream binary under the host, with a file replica.</summary>
public sealed class FileReplicaSpec : IDisposable
{
    private readonly ReplicationDrill _drill;

    public FileReplicaSpec()
    {
        var folder = Path.Combine(Path.GetTempPath(), "steadfast-repl", Guid.NewGuid().ToString("N"), "replica");
        _drill = new ReplicationDrill(new { Type = "file", Name = "local", Path = folder });
    }

    [Fact]
    public Task Lost_data_folder_should_be_restored_from_the_file_replica_and_unfinished_workflows_should_finish() =>
        _drill.LoseTheDiskAndRestore(workflows: 40);

    [Fact]
    public async Task Killed_litestream_should_be_restarted_and_replication_should_continue()
    {
        const int workflows = 30;
        using var host = _drill.Host(workflows, run: 1, serve: true, stepMs: "400:1200");
        await Journal.Until(() => Signals.FindProcesses("replicate", _drill.LitestreamConfig).Count == 1, TimeSpan.FromSeconds(60), () => host.Output);
        var original = Signals.FindProcesses("replicate", _drill.LitestreamConfig).Single();

        Assert.Equal(0, Signals.Kill(original, Signals.Sigkill));

        await Journal.Until(() => Signals.FindProcesses("replicate", _drill.LitestreamConfig) is [var p] && p != original, TimeSpan.FromSeconds(30), () => host.Output);
        Assert.Contains($"Litestream (pid {original}) exited unexpectedly", host.Output);
        await Journal.Until(() => Journal.WorkflowsCompleted(_drill.Db) == workflows, TimeSpan.FromSeconds(90), () => host.Output);
        // Frames written after the kill reach the replica: a restore taken now, while the host runs, has every result.
        await _drill.ReplicaEventuallyHolds(workflows, TimeSpan.FromSeconds(30), () => host.Output);
        Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Litestream_orphaned_by_a_killed_host_should_be_replaced_by_the_next_host()
    {
        using (var first = _drill.Host(5, run: 1, serve: true))
        {
            await Journal.Until(() => Signals.FindProcesses("replicate", _drill.LitestreamConfig).Count == 1, TimeSpan.FromSeconds(60), () => first.Output);
            Signals.Kill(first.Pid, Signals.Sigkill); // the host only, as `kill -9 <pid>` does: its Litestream lives on
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(10)));
        }
        var orphan = Assert.Single(Signals.FindProcesses("replicate", _drill.LitestreamConfig));

        using var second = _drill.Host(5, run: 2, serve: true);
        try
        {
            await Journal.Until(() => Signals.FindProcesses("replicate", _drill.LitestreamConfig) is [var p] && p != orphan, TimeSpan.FromSeconds(60), () => second.Output);
            Assert.Contains($"Stopping Litestream pid {orphan} left over from a previous host", second.Output);
            Assert.True(second.StopGracefully(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            foreach (var pid in Signals.FindProcesses("replicate", _drill.LitestreamConfig)) Signals.Kill(pid, Signals.Sigkill);
        }
    }

    public void Dispose()
    {
        _drill.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_drill.Folder)!)!, recursive: false); } catch (IOException) { }
    }
}
