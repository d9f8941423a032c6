using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Steadfast.Actors;
using Steadfast.Hosting.Replication;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>steadfast bench --workload replication</c>: commit-to-restorable lag at several Litestream intervals, restore
/// time of a journal of ~100k events, and the time from an empty data folder to all in-flight workflows finished.
/// All against a file replica on this machine, with the real Litestream binary.
/// </summary>
internal static class ReplicationBench
{
    private static readonly TimeSpan[] Intervals = [TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10)];

    public static async Task<int> RunAsync(int workflows, int runs, bool json, CancellationToken cancel)
    {
        var figures = new BenchFigures();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var interval in Intervals)
            {
                var at = $"{interval.TotalMilliseconds:0}ms";
                var lag = await LagMs(interval, samples: 5, cancel);
                figures.Add($"lag_ms_at_{at}", lag);
                if (!json) Console.WriteLine($"run {run}: lag at {at} intervals: median {lag:0} ms");
                foreach (var acknowledge in new[] { false, true })
                {
                    var mode = acknowledge ? "rpo0" : "default";
                    var (p50, p99, watermark) = await W2UnderReplication(interval, acknowledge, cancel);
                    figures.Add($"w2_{mode}_p50_ms_at_{at}", p50);
                    figures.Add($"w2_{mode}_p99_ms_at_{at}", p99);
                    figures.Add($"watermark_lag_max_ms_{mode}_at_{at}", watermark.Max());
                    figures.Add($"watermark_lag_min_ms_{mode}_at_{at}", watermark.Min());
                    if (!json)
                        Console.WriteLine($"run {run}: w2 {mode} at {at}: p50 {p50:0} ms, p99 {p99:0} ms; host lag figure {watermark.Min():0}–{watermark.Max():0} ms " +
                                          $"over {watermark.Count} samples");
                }
            }
            foreach (var n in new[] { 1_000, 10_000 })
            foreach (var acknowledge in new[] { false, true })
            {
                var mode = acknowledge ? "rpo0" : "default";
                var rate = await ThroughputUnderReplication(TimeSpan.FromMilliseconds(100), acknowledge, n, cancel);
                figures.Add($"w1_{mode}_wf_per_s_{n}_at_100ms", rate);
                if (!json) Console.WriteLine($"run {run}: w1 {mode}, {n} at once, 100 ms intervals: {rate:0} workflows/s");
            }
            var resume = await EmptyFolderToResumedMs(workflows, cancel);
            figures.Add($"empty_folder_to_{workflows}_finished_ms", resume);
            if (!json) Console.WriteLine($"run {run}: empty data folder to {workflows} in-flight workflows finished: {resume:0} ms");
        }
        var (events, bytes, restoreMs) = await RestoreLargeJournal(12_500, cancel);
        figures.Add("restore_large_journal_ms", restoreMs);
        figures.Add("restore_large_journal_events", events);
        figures.Add("restore_large_journal_mb", bytes / 1e6);
        figures.Print(json, runs, $"file replica, {workflows} workflows for resume; the large restore once");
        return 0;
    }

    /// <summary>
    /// W2 (start, then wait for the result, one workflow after another) on a replicated host, acknowledging at the local
    /// commit or after the replica holds it; meanwhile the host's lag figure is sampled every 50 ms.
    /// </summary>
    private static async Task<(double P50, double P99, List<double> Lag)> W2UnderReplication(TimeSpan interval, bool acknowledge, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        var data = Path.Combine(scratch.Path, "data");
        using var host = BuildHost(data, Path.Combine(scratch.Path, "replica"), interval, acknowledgeAfterReplicated: acknowledge);
        await host.StartAsync(cancel);
        var client = host.Services.GetRequiredService<WorkflowClient>();
        var watermark = Actors.Replication.ReplicationWatermark.For(Path.Combine(data, "steadfast.db"))!;
        var lag = new List<double>();
        using var sampling = new Timer(_ =>
        {
            lock (lag) lag.Add(watermark.Lag.TotalMilliseconds);
        }, null, 0, 50);
        // Each workflow is about five journal writes; at a 1 s interval the acknowledged mode needs seconds per workflow.
        var n = interval >= TimeSpan.FromSeconds(1) ? 10 : interval >= TimeSpan.FromMilliseconds(100) ? 30 : 100;
        var samples = new List<double>();
        for (var i = -3; i < n; i++) // three warm-up workflows
        {
            var clock = Stopwatch.StartNew();
            await client.StartAsync($"w2r-{i}", nameof(ThreeStepBench), Math.Abs(i).ToString(), cancel);
            var status = await client.WaitAsync($"w2r-{i}", TimeSpan.FromMinutes(2), cancel);
            Check([(status, Math.Abs(i))]);
            if (i >= 0) samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        await sampling.DisposeAsync();
        await host.StopAsync(cancel);
        samples.Sort();
        lock (lag) return (Percentile(samples, 0.50), Percentile(samples, 0.99), lag.ToList());
    }

    /// <summary>W1 on a replicated host: <paramref name="n"/> 3-step workflows started at once, until all report their result.</summary>
    private static async Task<double> ThroughputUnderReplication(TimeSpan interval, bool acknowledge, int n, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        using var host = BuildHost(Path.Combine(scratch.Path, "data"), Path.Combine(scratch.Path, "replica"), interval, acknowledgeAfterReplicated: acknowledge);
        await host.StartAsync(cancel);
        var client = new WorkflowClient(host.Services.GetRequiredService<WorkflowClient>().Router, TimeSpan.FromMinutes(10));
        await client.StartAsync("warm-up", nameof(ThreeStepBench), "0", cancel);
        await client.WaitAsync("warm-up", TimeSpan.FromMinutes(1), cancel);
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
        {
            await client.StartAsync($"w1r-{i}", nameof(ThreeStepBench), i.ToString(), cancel);
            return (await client.WaitAsync($"w1r-{i}", TimeSpan.FromMinutes(10), cancel), i);
        }));
        var rate = n / clock.Elapsed.TotalSeconds;
        Check(results);
        await host.StopAsync(cancel);
        return rate;
    }

    /// <summary>Commit (start acknowledged) until a restore from the replica holds the start.</summary>
    private static async Task<double> LagMs(TimeSpan interval, int samples, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        var replica = Path.Combine(scratch.Path, "replica");
        using var host = BuildHost(Path.Combine(scratch.Path, "data"), replica, interval);
        await host.StartAsync(cancel);
        var client = host.Services.GetRequiredService<WorkflowClient>();
        var litestream = Litestream.For(host.Services.GetRequiredService<Hosting.SteadfastOptions>());
        await client.StartAsync("warm-up", nameof(ThreeStepBench), "0", cancel);
        await Task.Delay(interval * 3 + TimeSpan.FromSeconds(1), cancel); // first generation and snapshot
        var lags = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var id = $"lag-{i}";
            await client.StartAsync(id, nameof(ThreeStepBench), i.ToString(), cancel);
            var clock = Stopwatch.StartNew();
            var copy = Path.Combine(scratch.Path, $"copy-{i}.db");
            while (true)
            {
                File.Delete(copy);
                await litestream.RestoreAsync(copy, cancel);
                if (File.Exists(copy) && Scalar(copy, $"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}'") > 0) break;
            }
            lags.Add(clock.Elapsed.TotalMilliseconds);
        }
        await host.StopAsync(cancel);
        lags.Sort();
        return lags[lags.Count / 2];
    }

    /// <summary>A host with workflows in flight is killed with its disk; a new host restores from the replica and finishes them.</summary>
    private static async Task<double> EmptyFolderToResumedMs(int count, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        var data = Path.Combine(scratch.Path, "data");
        var replica = Path.Combine(scratch.Path, "replica");
        await RunVictimAndKill(data, replica, count, settle: TimeSpan.FromSeconds(4), cancel); // let the replica catch up first
        Directory.Delete(data, recursive: true);

        var clock = Stopwatch.StartNew();
        using var host = BuildHost(data, replica);
        await host.StartAsync(cancel);
        var db = Path.Combine(data, "steadfast.db");
        while (Scalar(db, "SELECT COUNT(*) FROM journal WHERE manifest = 'WorkflowCompleted.v1'") < count) await Task.Delay(20, cancel);
        var ms = clock.Elapsed.TotalMilliseconds;
        var client = host.Services.GetRequiredService<WorkflowClient>();
        Check((await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.GetStatusAsync($"bench-{i}", cancel)))).Select((s, i) => (s, i)));
        await host.StopAsync(cancel);
        return ms;
    }

    /// <summary>Writes ~8 events per workflow through the real host, stops it (Litestream ships), then times a restore.</summary>
    private static async Task<(long Events, long Bytes, double RestoreMs)> RestoreLargeJournal(int workflowCount, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        var data = Path.Combine(scratch.Path, "data");
        var replica = Path.Combine(scratch.Path, "replica");
        Litestream litestream;
        using (var host = BuildHost(data, replica))
        {
            await host.StartAsync(cancel);
            var client = host.Services.GetRequiredService<WorkflowClient>();
            litestream = Litestream.For(host.Services.GetRequiredService<Hosting.SteadfastOptions>());
            for (var batch = 0; batch < workflowCount; batch += 1000)
                await Task.WhenAll(Enumerable.Range(batch, Math.Min(1000, workflowCount - batch)).Select(async i =>
                {
                    await client.StartAsync($"big-{i}", nameof(ThreeStepBench), i.ToString(), cancel);
                    await client.WaitAsync($"big-{i}", TimeSpan.FromMinutes(5), cancel);
                }));
            await host.StopAsync(cancel);
        }
        var db = Path.Combine(data, "steadfast.db");
        var events = Scalar(db, "SELECT COUNT(*) FROM journal");
        var copy = Path.Combine(scratch.Path, "restored.db");
        var clock = Stopwatch.StartNew();
        await litestream.RestoreAsync(copy, cancel);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (Scalar(copy, "SELECT COUNT(*) FROM journal") != events) throw new InvalidOperationException("The restored journal is missing events.");
        return (events, new FileInfo(copy).Length, ms);
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

    /// <summary>Starts a victim process that starts <paramref name="count"/> hanging workflows, waits <paramref name="settle"/> after READY, then SIGKILLs it.</summary>
    internal static async Task RunVictimAndKill(string dataDirectory, string? replica, int count, TimeSpan settle, CancellationToken cancel)
    {
        string[] options = ["bench-victim", "--data", dataDirectory, "--workflows", count.ToString()];
        using var victim = BenchProcess.StartCommand(Stopwatch.StartNew(), replica is null ? options : [.. options, "--replica", replica]);
        await victim.WaitForAsync("READY", TimeSpan.FromMinutes(10), cancel: cancel);
        await Task.Delay(settle, cancel);
        await victim.KillAsync(); // SIGKILL, Litestream child included
    }

}
