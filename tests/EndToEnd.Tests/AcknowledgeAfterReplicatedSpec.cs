namespace Steadfast.EndToEnd.Tests;

/// <summary>
/// RPO 0 on SQLite: with Replication:AcknowledgeAfterReplicated, the machine is lost (Litestream and the host killed
/// with SIGKILL, the data folder deleted) under a stream of starts, signals and results; the replica still holds every
/// start, signal and result that was acknowledged or reported. The real host, the real Litestream, a file replica.
/// </summary>
public sealed class AcknowledgeAfterReplicatedSpec : IDisposable
{
    private readonly string _replica = Path.Combine(Path.GetTempPath(), "steadfast-rpo0", Guid.NewGuid().ToString("N"));
    private readonly ReplicationDrill _drill;

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public AcknowledgeAfterReplicatedSpec(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        _drill = new ReplicationDrill(new { Type = "file", Name = "local", Path = _replica }, acknowledgeAfterReplicated: true);
    }

    [Fact]
    public async Task Losing_the_machine_should_lose_nothing_acknowledged()
    {
        string output;
        using (var host = _drill.Host(0, run: 1, stepMs: "20:80", stream: true))
        {
            // Signals to workflows whose start was acknowledged, while the stream goes on.
            var signalled = new HashSet<string>();
            await Journal.Until(() =>
            {
                foreach (var id in Acked(host.Output).Where(signalled.Add).Take(5)) host.Send($"signal {id} drill-{id} {{}}");
                return Acked(host.Output).Count >= 60 && host.Output.Split('\n').Count(l => l.StartsWith("OK signal")) >= 10;
            }, TimeSpan.FromSeconds(120), () => host.Output);

            foreach (var litestream in Signals.FindProcesses("replicate", _drill.LitestreamConfig)) Signals.Kill(litestream, 9);
            host.KillHard();
            output = host.Output;
        }
        Directory.Delete(_drill.DataDir, recursive: true); // the disk is gone with the machine

        var restored = Path.Combine(_drill.Folder, "restored.db");
        using (var restore = HostProcess.StartSteadfast(null, "--config", _drill.ConfigFile, "restore", "-o", restored))
            Assert.True(restore.WaitForExit(TimeSpan.FromSeconds(60)) && restore.ExitCode == 0, restore.Output);

        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var acked = Acked(output);
        var signals = lines.Where(l => l.StartsWith("OK signal ")).Select(l => l.Split(' ')[3]).ToHashSet();
        var done = lines.Where(l => l.StartsWith("DONE ")).Select(l => l.Split(' ')[1]).ToHashSet();
        var started = Ids(restored, "WorkflowStarted.v1");
        var completed = Ids(restored, "WorkflowCompleted.v1");
        var received = Journal.Query(restored, "SELECT json_extract(CAST(message AS TEXT), '$.name') FROM journal WHERE manifest LIKE 'SignalReceived.v%'")
            .Select(r => r[0]).ToHashSet();

        _output.WriteLine($"acknowledged: {acked.Count} starts, {signals.Count} signals, {done.Count} results; on the replica: " +
                          $"{acked.Count(started.Contains)}, {signals.Count(received.Contains)}, {done.Count(completed.Contains)}");
        Assert.True(acked.Count >= 60 && signals.Count >= 10 && done.Count > 0, $"the drill did too little: {acked.Count} starts, {signals.Count} signals, {done.Count} results");
        Assert.True(acked.IsSubsetOf(started), "acknowledged starts lost with the machine: " + string.Join(", ", acked.Except(started).Take(5)));
        Assert.True(signals.IsSubsetOf(received), "acknowledged signals lost: " + string.Join(", ", signals.Except(received).Take(5)));
        Assert.True(done.IsSubsetOf(completed), "reported results lost: " + string.Join(", ", done.Except(completed).Take(5)));
    }

    private static HashSet<string> Acked(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("ACK ")).Select(l => l[4..]).ToHashSet();

    private static HashSet<string> Ids(string db, string manifest) =>
        Journal.Query(db, $"SELECT persistence_id FROM journal WHERE manifest = '{manifest}'").Select(r => r[0]["workflow-".Length..]).ToHashSet();

    public void Dispose()
    {
        _drill.Dispose();
        try { Directory.Delete(_replica, recursive: true); } catch (IOException) { }
    }
}
