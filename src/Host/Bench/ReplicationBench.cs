using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steadfast.Actors;
using Steadfast.Hosting.Replication;
using static Steadfast.Host.Bench.BenchSupport;

namespace Steadfast.Host.Bench;

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
                var lag = await LagMs(interval, samples: 5, cancel);
                figures.Add($"lag_ms_at_{interval.TotalMilliseconds:0}ms", lag);
                if (!json) Console.WriteLine($"run {run}: lag at {interval.TotalMilliseconds:0} ms intervals: median {lag:0} ms");
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
