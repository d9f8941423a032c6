using System.Text.Json;

namespace Steadfast.EndToEnd.Tests;

/// <summary>The inspection CLI reading a journal while a host writes it, and pulling it from the replica.</summary>
public sealed class InspectionWhileRunningSpec : IDisposable
{
    private const int Workflows = 40;
    private readonly ReplicationDrill _drill;
    private readonly string _replica;

    public InspectionWhileRunningSpec()
    {
        _replica = Path.Combine(Path.GetTempPath(), "steadfast-inspect", Guid.NewGuid().ToString("N"), "replica");
        _drill = new ReplicationDrill(new { Type = "file", Name = "local", Path = _replica });
    }

    [Fact]
    public async Task Inspection_should_never_block_or_break_a_running_host_and_pull_should_restore_anywhere()
    {
        using var host = _drill.Host(Workflows, run: 1, serve: true, stepMs: "200:600");
        await Journal.Until(() => Journal.StepsCompleted(_drill.Db) > 0, TimeSpan.FromSeconds(60), () => host.Output);

        var reads = 0;
        while (Journal.WorkflowsCompleted(_drill.Db) < Workflows)
        {
            foreach (var args in new[] { new[] { "list", "--db", _drill.Db, "--json" }, ["history", "e2e-1", "--db", _drill.Db, "--json"] })
            {
                using var cli = HostProcess.StartSteadfast(null, args);
                Assert.True(cli.WaitForExit(TimeSpan.FromSeconds(60)));
                Assert.True(cli.ExitCode == 0, $"steadfast {string.Join(' ', args)} failed while the host writes:\n{cli.Output}");
                Assert.DoesNotContain("locked", cli.Output, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("busy", cli.Output, StringComparison.OrdinalIgnoreCase);
                reads++;
            }
            Assert.False(host.HasExited, host.Output);
        }
        Assert.True(reads >= 2);
        Assert.DoesNotContain("database is locked", host.Output);
        Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)), host.Output);

        // On "another machine": only the replica is known.
        foreach (var source in new[] { new Uri(_replica).AbsoluteUri, _drill.ConfigFile })
        {
            var pulled = Path.Combine(_drill.Folder, Guid.NewGuid().ToString("N") + ".db");
            using (var pull = HostProcess.StartSteadfast(null, "pull", "--replica", source, "--output", pulled))
            {
                Assert.True(pull.WaitForExit(TimeSpan.FromSeconds(60)));
                Assert.True(pull.ExitCode == 0, pull.Output);
            }
            using var list = HostProcess.StartSteadfast(null, "list", "--db", pulled, "--json", "--status", "Completed", "--limit", "1000");
            Assert.True(list.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.Equal(Workflows, JsonDocument.Parse(list.Output.Trim()).RootElement.GetArrayLength());
        }
    }

    public void Dispose()
    {
        _drill.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(_replica)!, recursive: true); } catch (IOException) { }
    }
}
