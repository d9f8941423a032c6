using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Steadfast.Actors;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>steadfast bench-host</c> (hidden): the host process a workload runs in. It embeds the client, as an
/// application embedding Steadfast does, and reports to the bench on stdout: <c>FIGURE key value</c> lines and
/// the moments the bench times (<c>FIRST</c>, <c>ACKED</c>, <c>WAITING</c>, <c>RESUMED</c>, <c>DONE</c>, <c>FINISHED</c>).
/// </summary>
internal static class BenchHostCommand
{
    /// <summary>W4 lets waiting workflows leave memory after 1 s instead of the default 30 s, so the wait for it stays short.</summary>
    public const string W4Config = "steadfast.passivate-after = 1s";

    public static Command Create()
    {
        var role = new Option<string>("--role") { Required = true };
        role.AcceptOnlyFromAmong("w1", "w2", "w3-start", "w3-resume", "w4-start", "w4-resume", "soak");
        var data = new Option<string>("--data") { Required = true };
        var config = new Option<string?>("--host-config");
        var workflows = new Option<int>("--workflows") { Required = true };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 1 };
        var command = new Command("bench-host", "(internal) the host process of a bench workload") { role, data, workflows, runs, config };
        command.Hidden = true;
        command.SetAction(async (p, c) =>
        {
            var n = p.GetValue(workflows);
            var dir = p.GetValue(data)!;
            using var host = BuildHost(dir, hocon: p.GetValue(role)!.StartsWith("w4") ? W4Config : null, configFile: p.GetValue(config));
            await host.StartAsync(c);
            var client = host.Services.GetRequiredService<WorkflowClient>();
            var db = Path.Combine(dir, "steadfast.db");
            switch (p.GetValue(role))
            {
                case "w1": await Throughput(new WorkflowClient(client.Router, TimeSpan.FromMinutes(10)), db, n, p.GetValue(runs), c); break; // a batch of 100,000 waits its turn
                case "w2": await Latency(client, n, p.GetValue(runs), c); break;
                case "w3-start": await StartAndHang(client, nameof(SleepThenTwoSteps), n, c); break;
                case "w3-resume": await AwaitAll(client, n, c); break;
                case "w4-start": await LeaveWaiting(client, n, c); break;
                case "w4-resume": await ResumeAndSignal(client, n, c); break;
                case "soak": await SoakBench.HostAsync(client, n, p.GetValue(runs), c); break; // --workflows is the rate, --runs the run number
            }
            await host.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private static void Say(string line) => Console.WriteLine(line);

    /// <summary>One line on stderr: what the registry holds (the bench passes stderr through).</summary>
    private static void Progress(WorkflowClient client)
    {
        var stats = client.GetRuntimeStatsAsync().Result;
        Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} in memory {stats.ActiveWorkflows}, in flight {stats.InFlight}, waiting for a slot {stats.WaitingForSlot}");
    }

    private static void Figure(string key, double value) => Say(FormattableString.Invariant($"FIGURE {key} {value}"));

    /// <summary>W1: a warm-up round, then per run <paramref name="n"/> workflows started at once; each result checked.</summary>
    private static async Task Throughput(WorkflowClient client, string db, int n, int runs, CancellationToken cancel)
    {
        for (var run = 0; run <= runs; run++)
        {
            var rowsBefore = run == 0 || OnPostgres is not null ? 0 : Scalar(db, "SELECT COUNT(*) FROM journal"); // the warm-up creates the tables
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            GC.Collect();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var peakHeap = 0L;
            using var sampling = new Timer(_ => peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false)), null, 0, 50);
            using var progress = new Timer(_ => Progress(client), null, 2000, 2000);
            var clock = Stopwatch.StartNew();
            var results = await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
            {
                await client.StartAsync($"w1-{run}-{i}", nameof(ThreeStepBench), i.ToString(CultureInfo.InvariantCulture), cancel);
                return await client.WaitAsync($"w1-{run}-{i}", TimeSpan.FromMinutes(5), cancel);
            }));
            var seconds = clock.Elapsed.TotalSeconds;
            Check(results.Select((r, i) => (r, i)));
            if (run == 0) continue;
            Figure("w1_wf_per_s", n / seconds);
            Figure("w1_activities_per_s", 3 * n / seconds);
            Figure("w1_cpu_ms_per_wf", (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / n); // steadier than wall time on a shared machine
            if (OnPostgres is null) Figure("journal_events_per_s", (Scalar(db, "SELECT COUNT(*) FROM journal") - rowsBefore) / seconds);
            Figure("w1_peak_heap_mb", peakHeap / 1048576.0);
            Figure("w1_heap_bytes_per_workflow", (peakHeap - heapBefore) / (double)n); // managed heap at the peak, over all n started at once
            Figure("w1_working_set_mb", Process.GetCurrentProcess().WorkingSet64 / 1048576.0);
        }
    }

    /// <summary>W2: a warm-up round, then per run <paramref name="n"/> workflows one after another, start to result.</summary>
    private static async Task Latency(WorkflowClient client, int n, int runs, CancellationToken cancel)
    {
        for (var run = 0; run <= runs; run++)
        {
            var samples = new List<double>();
            for (var i = 0; i < (run == 0 ? 50 : n); i++)
            {
                var clock = Stopwatch.StartNew();
                await client.StartAsync($"w2-{run}-{i}", nameof(ThreeStepBench), i.ToString(CultureInfo.InvariantCulture), cancel);
                var status = await client.WaitAsync($"w2-{run}-{i}", TimeSpan.FromMinutes(1), cancel);
                samples.Add(clock.Elapsed.TotalMilliseconds);
                Check([(status, i)]);
            }
            if (run == 0) continue;
            samples.Sort();
            Figure("w2_p50_ms", Percentile(samples, 0.50));
            Figure("w2_p99_ms", Percentile(samples, 0.99));
        }
    }

    /// <summary>W3, first host: start <paramref name="n"/> at once, say when, and wait to be killed.</summary>
    private static async Task StartAndHang(WorkflowClient client, string type, int n, CancellationToken cancel)
    {
        Say("FIRST");
        await Task.WhenAll(Enumerable.Range(0, n).Select(i => client.StartAsync($"wf-{i}", type, i.ToString(CultureInfo.InvariantCulture), cancel)));
        Say("ACKED");
        await Task.Delay(Timeout.Infinite, cancel);
    }

    /// <summary>W3, second host: it resumes them on its own; wait until all have completed with correct results.</summary>
    private static async Task AwaitAll(WorkflowClient client, int n, CancellationToken cancel)
    {
        Say("STARTED");
        await UntilAsync(client, s => s.ResumeDone, cancel, TimeSpan.FromMilliseconds(5));
        Say("RESUMED");
        var results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => client.WaitAsync($"wf-{i}", TimeSpan.FromMinutes(5), cancel)));
        Say("DONE");
        Check(results.Select((r, i) => (r, i)));
    }

    /// <summary>W4, first host: warm up, measure the working set, leave <paramref name="n"/> workflows waiting for a signal, measure again.</summary>
    private static async Task LeaveWaiting(WorkflowClient client, int n, CancellationToken cancel)
    {
        const int warm = 200;
        await Task.WhenAll(Enumerable.Range(0, warm).Select(i => client.StartAsync($"warm-{i}", nameof(AwaitGo), i.ToString(CultureInfo.InvariantCulture), cancel)));
        await Task.WhenAll(Enumerable.Range(0, warm).Select(i => client.SignalAsync($"warm-{i}", "go", "3", cancellationToken: cancel)));
        Check((await Task.WhenAll(Enumerable.Range(0, warm).Select(i => client.WaitAsync($"warm-{i}", TimeSpan.FromMinutes(1), cancel)))).Select((r, i) => (r, i)));
        await UntilAsync(client, s => s.ActiveWorkflows == 0, cancel);
        var before = SettledWorkingSet();

        await Bounded(n, i => client.StartAsync($"wf-{i}", nameof(AwaitGo), i.ToString(CultureInfo.InvariantCulture), cancel));
        await UntilAsync(client, s => s.ActiveWorkflows == 0 && s.DormantWorkflows >= n, cancel);
        var after = SettledWorkingSet();
        Figure("w4_bytes_per_waiting_wf", (double)(after - before) / n);
        Figure("w4_working_set_mb", after / 1048576.0);
        Say("WAITING");
        await Task.Delay(Timeout.Infinite, cancel);
    }

    /// <summary>W4, second host: say when the resume at start is done, then signal all and wait for every result.</summary>
    private static async Task ResumeAndSignal(WorkflowClient client, int n, CancellationToken cancel)
    {
        var stats = await UntilAsync(client, s => s.ResumeDone, cancel, TimeSpan.FromMilliseconds(5));
        Say($"RESUMED {stats.DormantWorkflows} dormant, {stats.ActiveWorkflows} in memory");
        await Bounded(n, i => client.SignalAsync($"wf-{i}", "go", "3", cancellationToken: cancel));
        var results = await Bounded(n, i => client.WaitAsync($"wf-{i}", TimeSpan.FromMinutes(5), cancel));
        Say("FINISHED");
        Check(results.Select((r, i) => (r, i)));
    }

    /// <summary>
    /// W4's 10,000 requests go out with at most <see cref="InFlight"/> unanswered, as a client with a connection pool
    /// would send them: all at once, the last ones waited behind the others for longer than the 30 s ask timeout.
    /// </summary>
    private static async Task<T[]> Bounded<T>(int n, Func<int, Task<T>> request)
    {
        using var slots = new SemaphoreSlim(InFlight);
        return await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
        {
            await slots.WaitAsync();
            try { return await request(i); }
            finally { slots.Release(); }
        }));
    }

    private static Task Bounded(int n, Func<int, Task> request) => Bounded(n, async i => { await request(i); return 0; });

    private const int InFlight = 1000;

    private static async Task<RuntimeStats> UntilAsync(WorkflowClient client, Func<RuntimeStats, bool> condition, CancellationToken cancel, TimeSpan? poll = null)
    {
        while (true)
        {
            var stats = await client.GetRuntimeStatsAsync(cancel);
            if (condition(stats)) return stats;
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100), cancel);
        }
    }

    /// <summary>The working set after a full, compacting collection that gives free memory back to the OS.</summary>
    private static long SettledWorkingSet()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        Thread.Sleep(200);
        return Environment.WorkingSet;
    }
}
