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
    public async Task Litestream_left_over_from_a_killed_host_should_be_replaced_by_the_next_host()
    {
        // A host killed with SIGKILL leaves its Litestream behind (until a log line hits the dead pipe): stand one up.
        using (var first = _drill.Host(3, run: 1)) Assert.True(first.WaitForExit(TimeSpan.FromSeconds(60)) && first.ExitCode == 0, first.Output);
        using var leftover = HostProcess.StartLitestream(null, "replicate", "-config", _drill.LitestreamConfig);
        await Journal.Until(() => Signals.FindProcesses("replicate", _drill.LitestreamConfig).Contains(leftover.Pid), TimeSpan.FromSeconds(30), () => leftover.Output);

        using var second = _drill.Host(3, run: 2, serve: true);
        await Journal.Until(() => Signals.FindProcesses("replicate", _drill.LitestreamConfig) is [var p] && p != leftover.Pid, TimeSpan.FromSeconds(60), () => second.Output);

        // The host's output is read from its pipe asynchronously: the line may arrive just after the process check.
        await Journal.Until(() => second.Output.Contains($"Stopping Litestream pid {leftover.Pid} left over from a previous host"),
            TimeSpan.FromSeconds(10), () => second.Output);
        Assert.True(leftover.HasExited);
        Assert.True(second.StopGracefully(TimeSpan.FromSeconds(30)));
    }

    public void Dispose()
    {
        _drill.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_drill.Folder)!)!, recursive: false); } catch (IOException) { }
    }
}
