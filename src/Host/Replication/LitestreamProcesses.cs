namespace Steadfast.Hosting.Replication;

/// <summary>Finds running <c>litestream replicate</c> processes for a rendered config (Linux /proc).</summary>
public static class LitestreamProcesses
{
    /// <summary>Pids of <c>litestream replicate</c> processes whose command line names <paramref name="configPath"/>.</summary>
    public static List<int> Replicating(string configPath)
    {
        var pids = new List<int>();
        if (!Directory.Exists("/proc")) return pids;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (args.Contains("replicate") && args.Contains(configPath)) pids.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    /// <summary>Stops what a host killed with SIGKILL left replicating <paramref name="configPath"/>: two processes replicating one file would fight.</summary>
    public static async Task StopLeftoversAsync(string configPath, Microsoft.Extensions.Logging.ILogger log, CancellationToken cancellationToken)
    {
        foreach (var leftover in Replicating(configPath))
        {
            log.StoppingLeftover(leftover);
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(leftover);
                process.Kill();
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }
    }
}
