using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Actors;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;

namespace Steadfast.Host.Bench;

/// <summary>
/// <c>steadfast bench</c>: throughput, latency, journal rows per workflow and resume time after kill -9, on a
/// fresh data folder per run, default durability (WAL, synchronous=FULL). Prints medians of N runs.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var workflows = new Option<int>("--workflows") { Description = "Concurrent workflows for throughput and resume.", DefaultValueFactory = _ => 1000 };
        var latencyCount = new Option<int>("--latency-workflows") { Description = "Sequential workflows for latency.", DefaultValueFactory = _ => 200 };
        var runs = new Option<int>("--runs") { Description = "Measured runs (after one warm-up).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var workload = new Option<string>("--workload") { Description = "core (throughput, latency, resume), replication (lag, restore, resume from replica) inspection (list over 100k executions, history of 10k events) or limit (raw SQLite ceilings vs journal events/s).", DefaultValueFactory = _ => "core" };
        workload.AcceptOnlyFromAmong("core", "replication", "inspection", "limit");
        var command = new Command("bench", "Measure throughput, latency and recovery on this machine.") { workflows, latencyCount, runs, json, workload };
        command.SetAction((p, c) => p.GetValue(workload) switch
        {
            "replication" => ReplicationBench.RunAsync(p.GetValue(workflows), p.GetValue(runs), p.GetValue(json), c),
            "inspection" => InspectionBench.RunAsync(100_000, p.GetValue(runs), p.GetValue(json), c),
            "limit" => LimitBench.RunAsync(p.GetValue(workflows), p.GetValue(runs), p.GetValue(json), c),
            _ => RunAsync(p.GetValue(workflows), p.GetValue(latencyCount), p.GetValue(runs), p.GetValue(json), c),
        });
        return command;
    }

    /// <summary>The hidden child mode: start workflows whose activities hang, print READY, wait to be killed.</summary>
    public static Command CreateVictim()
    {
        var data = new Option<string>("--data") { Required = true };
        var workflows = new Option<int>("--workflows") { Required = true };
        var replica = new Option<string?>("--replica");
        var command = new Command("bench-victim", "(internal) process that bench kills with SIGKILL") { data, workflows, replica };
        command.Hidden = true;
        command.SetAction(async (p, c) =>
        {
            PlusOne.Hang = true;
            using var host = BuildHost(p.GetValue(data)!, p.GetValue(replica));
            await host.StartAsync(c);
            var client = host.Services.GetRequiredService<WorkflowClient>();
            await Task.WhenAll(Enumerable.Range(0, p.GetValue(workflows)).Select(i => client.StartAsync($"bench-{i}", nameof(ThreeStepBench), i.ToString(), c)));
            Console.WriteLine("READY");
            await Task.Delay(Timeout.Infinite, c);
            return 0;
        });
        return command;
    }

    private static async Task<int> RunAsync(int workflows, int latencyCount, int runs, bool json, CancellationToken cancel)
    {
        var figures = new BenchFigures();
        for (var run = 0; run <= runs; run++)
        {
            var warmUp = run == 0;
            var (wfPerSec, rowsPerWf) = await Throughput(workflows, warmUp ? Math.Min(workflows, 200) : workflows, cancel);
            var (p50, p99) = await Latency(warmUp ? 20 : latencyCount, cancel);
            if (warmUp) continue;
            var resumeMs = await ResumeAfterKill(workflows, cancel);
            figures.Add("w1_wf_per_s", wfPerSec);
            figures.Add("w1_activities_per_s", wfPerSec * 3);
            figures.Add("journal_rows_per_wf", rowsPerWf);
            figures.Add("w2_p50_ms", p50);
            figures.Add("w2_p99_ms", p99);
            figures.Add("resume_after_kill_ms", resumeMs);
            if (!json) Console.WriteLine($"run {run}: {wfPerSec:0} wf/s, rows/wf {rowsPerWf:0.0}, p50 {p50:0.0} ms, p99 {p99:0.0} ms, resume {resumeMs:0} ms");
        }
        figures.Print(json, runs, $"{workflows} workflows");
        return 0;
    }

    internal static Task<(double WfPerSec, double RowsPerWf)> ThroughputAsync(int count, CancellationToken cancel) => Throughput(count, count, cancel);

    private static async Task<(double WfPerSec, double RowsPerWf)> Throughput(int count, int take, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        using var host = BuildHost(scratch.Path);
        await host.StartAsync(cancel);
        var client = host.Services.GetRequiredService<WorkflowClient>();
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, take).Select(async i =>
        {
            await client.StartAsync($"w1-{i}", nameof(ThreeStepBench), i.ToString(), cancel);
            return await client.WaitAsync($"w1-{i}", TimeSpan.FromMinutes(5), cancel);
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        Check(results.Select((r, i) => (r, i)));
        await host.StopAsync(cancel);
        var rows = Scalar(scratch.Database, "SELECT COUNT(*) FROM journal");
        return (take / seconds, (double)rows / take);
    }

    private static async Task<(double P50, double P99)> Latency(int count, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        using var host = BuildHost(scratch.Path);
        await host.StartAsync(cancel);
        var client = host.Services.GetRequiredService<WorkflowClient>();
        for (var i = 0; i < 20; i++) // warm this host's code paths (first snapshot, first passivation) before measuring
        {
            await client.StartAsync($"w2-warm-{i}", nameof(ThreeStepBench), i.ToString(), cancel);
            await client.WaitAsync($"w2-warm-{i}", TimeSpan.FromMinutes(1), cancel);
        }
        var samples = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await client.StartAsync($"w2-{i}", nameof(ThreeStepBench), i.ToString(), cancel);
            var status = await client.WaitAsync($"w2-{i}", TimeSpan.FromMinutes(1), cancel);
            samples.Add(clock.Elapsed.TotalMilliseconds);
            Check([(status, i)]);
        }
        await host.StopAsync(cancel);
        samples.Sort();
        return (Percentile(samples, 0.50), Percentile(samples, 0.99));
    }

    private static async Task<double> ResumeAfterKill(int count, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        await RunVictimAndKill(scratch.Path, null, count, TimeSpan.Zero, cancel);

        var clock = Stopwatch.StartNew();
        using var host = BuildHost(scratch.Path);
        await host.StartAsync(cancel);
        var client = host.Services.GetRequiredService<WorkflowClient>();
        // Wait from the journal's point of view: the registry resumes them on its own.
        while (Scalar(scratch.Database, "SELECT COUNT(*) FROM journal WHERE manifest = 'WorkflowCompleted.v1'") < count)
            await Task.Delay(20, cancel);
        var ms = clock.Elapsed.TotalMilliseconds;
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.GetStatusAsync($"bench-{i}", cancel)));
        Check(results.Select((r, i) => (r, i)));
        await host.StopAsync(cancel);
        return ms;
    }

    /// <summary>Starts a victim process that starts <paramref name="count"/> hanging workflows, waits <paramref name="settle"/> after READY, then SIGKILLs it.</summary>
    internal static async Task RunVictimAndKill(string dataDirectory, string? replica, int count, TimeSpan settle, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        foreach (var a in new[] { "bench-victim", "--data", dataDirectory, "--workflows", count.ToString() }) info.ArgumentList.Add(a);
        if (replica is not null) foreach (var a in new[] { "--replica", replica }) info.ArgumentList.Add(a);
        using var victim = Process.Start(info)!;
        try
        {
            while (await victim.StandardOutput.ReadLineAsync(cancel) is { } line && line != "READY") { }
            await Task.Delay(settle, cancel);
        }
        finally
        {
            victim.Kill(entireProcessTree: true); // SIGKILL, Litestream child included
            await victim.WaitForExitAsync(cancel);
        }
    }

    internal static IHost BuildHost(string dataDirectory, string? replica = null, TimeSpan? interval = null)
    {
        var options = new SteadfastOptions { DataDirectory = dataDirectory };
        if (replica is not null)
        {
            options.Replication = new ReplicationOptions
            {
                Enabled = true,
                MonitorInterval = interval ?? TimeSpan.FromSeconds(1),
                SyncInterval = interval ?? TimeSpan.FromSeconds(1),
                Replicas = [new ReplicaOptions { Type = "file", Path = replica }],
            };
        }
        return SteadfastHost.Build(options.Validate(), new SteadfastRegistry().AddWorkflow<ThreeStepBench>().AddActivity<PlusOne>(), minimumLevel: LogLevel.Warning);
    }

    internal static void Check(IEnumerable<(WorkflowStatus Status, int Input)> results)
    {
        foreach (var (status, input) in results)
            if (status.Status != ExecutionStatus.Completed || status.ResultJson != (input + 3).ToString())
                throw new InvalidOperationException($"Wrong result for {status.WorkflowId}: {status.Status} {status.ResultJson ?? status.Error}");
    }

    internal static long Scalar(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    internal sealed class Scratch : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "steadfast-bench", Guid.NewGuid().ToString("N"));

        public string Database => System.IO.Path.Combine(Path, "steadfast.db");

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
