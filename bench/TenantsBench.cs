using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steadfast.Actors;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>steadfast bench --workload tenants [--workflows N]</c>: one host serving 1, 10 and 100 tenants, each with its own
/// journal and router, all replicated to a file replica by the tenants' Litestream process: time to start, memory of the
/// host and of the Litestream processes, and W1-style throughput of N three-step workflows spread evenly over the tenants; the same
/// without replication (<c>t&lt;n&gt;_local_*</c>) tells the journals' cost from the Litestream processes'.
/// </summary>
internal static class TenantsBench
{
    public static async Task<int> RunAsync(int workflows, int runs, bool json, CancellationToken cancel)
    {
        var figures = new BenchFigures();
        foreach (var tenants in new[] { 1, 10, 100 })
            for (var run = 1; run <= runs; run++)
                foreach (var replicated in new[] { true, false })
                    await MeasureAsync(tenants, workflows, replicated, figures, cancel);
        figures.Print(json, runs, $"tenants: {workflows} three-step workflows spread over 1, 10 and 100 tenants, each replicated to a file replica");
        return 0;
    }

    private static async Task MeasureAsync(int tenants, int workflows, bool replicated, BenchFigures figures, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        var names = Enumerable.Range(1, tenants).Select(i => $"t{i:000}").ToList();
        var options = new SteadfastOptions
        {
            DataDirectory = scratch.Path,
            Tenants = names,
            Replication = new ReplicationOptions { Enabled = replicated, Replicas = [new ReplicaOptions { Type = "file", Name = "local", Path = System.IO.Path.Combine(scratch.Path, "replica") }] },
        };
        var clock = Stopwatch.StartNew();
        using var host = SteadfastHost.Build(options, new SteadfastRegistry().AddWorkflow<ThreeStepBench>().AddActivity<PlusOne>(), minimumLevel: LogLevel.Warning);
        await host.StartAsync(cancel);
        var started = clock.Elapsed;
        var directory = host.Services.GetRequiredService<SteadfastTenants>();
        var clients = names.Select(directory.Client).ToList();

        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, workflows).Select(async i =>
        {
            var client = clients[i % clients.Count];
            await client.StartAsync($"w-{i}", nameof(ThreeStepBench), i, cancel);
            var status = await client.WaitAsync($"w-{i}", TimeSpan.FromMinutes(10), cancel);
            if (status.Status != ExecutionStatus.Completed) throw new InvalidOperationException($"w-{i}: {status.Status} {status.Error}");
        }));
        var elapsed = clock.Elapsed;

        GC.Collect();
        var hostMb = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
        Console.Error.WriteLine($"  managed heap after the run: {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:0} MB");
        var litestreamMb = new[] { "litestream.yml", "litestream-tenants.yml" }
            .Sum(config => LitestreamProcesses.Replicating(System.IO.Path.Combine(scratch.Path, config)).Sum(RssMb)); // the default journal's and the tenants' process
        clock.Restart();
        await host.StopAsync(cancel); // drains every tenant, then each Litestream ships its last frames
        var stopped = clock.Elapsed;
        SqliteConnection.ClearAllPools();
        host.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Console.Error.WriteLine($"  managed heap after the host is gone: {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:0} MB");

        var key = replicated ? $"t{tenants}" : $"t{tenants}_local";
        figures.Add($"{key}_start_ms", started.TotalMilliseconds);
        figures.Add($"{key}_wf_per_s", workflows / elapsed.TotalSeconds);
        figures.Add($"{key}_host_rss_mb", hostMb);
        if (replicated) figures.Add($"{key}_litestream_rss_mb", litestreamMb);
        figures.Add($"{key}_stop_ms", stopped.TotalMilliseconds);
        Console.Error.WriteLine($"tenants {tenants}{(replicated ? "" : " (no replication)")}: start {started.TotalMilliseconds:0} ms, {workflows / elapsed.TotalSeconds:0} wf/s, host {hostMb:0} MB, " +
                                $"Litestream {litestreamMb:0} MB, stop {stopped.TotalMilliseconds:0} ms");
    }

    private static double RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
