using System.Text.Json;

namespace Steadfast.EndToEnd.Tests;

/// <summary>
/// Below the free-space low-water mark of the journal's volume, new starts are refused (Overloaded, saying why) and
/// the state is logged once, not per request. The real host on the real file system; the mark is set above what is free.
/// </summary>
public sealed class DiskPressureSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-disk", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Low_disk_should_refuse_new_starts_with_a_reason_and_say_so_once()
    {
        Directory.CreateDirectory(_dir);
        var free = new DriveInfo(_dir).AvailableFreeSpace / (1024 * 1024);
        var config = Path.Combine(_dir, "steadfast.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            Steadfast = new { DataDirectory = Path.Combine(_dir, "data"), MinFreeDiskMegabytes = free * 4, Replication = new { Enabled = false } },
        }));
        using var host = HostProcess.StartTestHost("--config", config, "--ledger", Path.Combine(_dir, "ledger.txt"), "--workflows", "0", "--run", "1", "--stream");
        // The client retries Overloaded with backoff for its whole timeout (30 s) before it gives up: one refusal per stream loop.
        await Journal.Until(() => host.Output.Split('\n').Count(l => l.StartsWith("REJECTED ")) >= 8, TimeSpan.FromSeconds(120), () => host.Output);
        Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)), host.Output);

        Assert.DoesNotContain("\nACK ", host.Output);
        Assert.Matches(@"REJECTED stream-\d+ Overloaded", host.Output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(host.Output, "new starts are refused until space is freed"));
        Assert.Equal(0, Journal.Count(Path.Combine(_dir, "data", "steadfast.db"), "SELECT COUNT(*) FROM journal"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
