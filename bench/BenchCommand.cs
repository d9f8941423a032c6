using System.CommandLine;
using System.Diagnostics;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>steadfast-bench</c>: the peers' workload (W1 throughput, W2 latency, W3 recovery after kill -9, W4 waiting
/// workflows) against <c>bench-host</c> processes on fresh data folders, default durability (WAL,
/// synchronous=FULL), plus this disk's raw SQLite ceiling. A warm-up, then N measured runs; medians printed.
/// </summary>
internal static class BenchCommand
{
    private static readonly string[] PeerWorkloads = ["w1", "w2", "w3", "w4", "limit"];

    public static Command Create()
    {
        var workload = new Option<string>("--workload")
        {
            Description = "w1 (throughput), w2 (latency), w3 (recovery after kill -9), w4 (10,000 waiting workflows), limit (raw SQLite ceiling vs journal events/s), " +
                          "all (those five), replication (lag, restore), inspection (list and history on big journals), soak (mixed load with kills, --minutes).",
            DefaultValueFactory = _ => "all",
        };
        workload.AcceptOnlyFromAmong([.. PeerWorkloads, "all", "replication", "inspection", "soak", "tenants", "migrate"]);
        var minutes = new Option<double>("--minutes") { Description = "soak: how long to load the host.", DefaultValueFactory = _ => 30 };
        var rate = new Option<int>("--rate") { Description = "soak: workflows started per second.", DefaultValueFactory = _ => 100 };
        var killEvery = new Option<double>("--kill-every") { Description = "soak: minutes between kill -9s of the host.", DefaultValueFactory = _ => 4 };
        var config = new Option<string?>("--soak-config") { Description = "soak: host options (e.g. an S3 replica); default: a scratch folder, no replication." };
        var runs = new Option<int>("--runs") { Description = "Measured runs (after one warm-up).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var workflows = new Option<int?>("--workflows") { Description = "Override the workload's number of workflows (W1 1000, W2 200, W3 500, W4 10000)." };
        var command = new Command("bench", "Measure throughput, latency, recovery and scale on this machine.") { workload, runs, json, workflows, minutes, rate, killEvery, config };
        command.SetAction((p, c) =>
        {
            var n = p.GetValue(workflows);
            return p.GetValue(workload) switch
            {
                "replication" => ReplicationBench.RunAsync(n ?? 1000, p.GetValue(runs), p.GetValue(json), c),
                "inspection" => InspectionBench.RunAsync(100_000, p.GetValue(runs), p.GetValue(json), c),
                "tenants" => TenantsBench.RunAsync(n ?? 1000, p.GetValue(runs), p.GetValue(json), c),
                "migrate" => MigrationBench.RunAsync(n ?? 12_500, p.GetValue(runs), p.GetValue(json), c),
                "soak" => SoakBench.RunAsync(p.GetValue(minutes), p.GetValue(rate), p.GetValue(killEvery), p.GetValue(config), c),
                "all" => RunAsync(PeerWorkloads, n, p.GetValue(runs), p.GetValue(json), c),
                var one => RunAsync([one!], n, p.GetValue(runs), p.GetValue(json), c),
            };
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] workloads, int? workflows, int runs, bool json, CancellationToken cancel)
    {
        var figures = new BenchFigures();
        var log = json ? TextWriter.Null : Console.Out;
        // limit compares with W1's journal events/s from the same run.
        if (workloads.Contains("w1") || workloads.Contains("limit")) await W1(workflows ?? 1000, runs, figures, log, cancel);
        if (workloads.Contains("w2")) await W2(workflows ?? 200, runs, figures, log, cancel);
        if (workloads.Contains("w3")) await W3(workflows ?? 500, runs, figures, log, cancel);
        if (workloads.Contains("w4")) await W4(workflows ?? 10_000, runs, figures, log, cancel);
        if (workloads.Contains("limit"))
        {
            for (var run = 1; run <= runs; run++) LimitBench.Measure(figures);
            figures.Derive("journal_share_of_batched_ceiling_percent", "journal_events_per_s", "limit_rows_per_s_batched", (events, ceiling) => 100 * events / ceiling);
            log.WriteLine($"limit: raw 1 row/tx {figures.Median("limit_rows_per_s_single"):0} rows/s, 100 rows/tx {figures.Median("limit_rows_per_s_batched"):0} rows/s");
        }
        figures.Print(json, runs, "synchronous=FULL, WAL");
        return 0;
    }

    /// <summary>One host process: a warm-up round and <paramref name="runs"/> measured rounds of <paramref name="n"/> concurrent workflows.</summary>
    private static async Task W1(int n, int runs, BenchFigures figures, TextWriter log, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        using var host = BenchProcess.Start(Stopwatch.StartNew(), "w1", "--data", scratch.Path, "--workflows", n.ToString(), "--runs", runs.ToString());
        await host.WaitForExitAsync(TimeSpan.FromMinutes(30), figures, cancel);
        log.WriteLine($"w1: {n} workflows at once, {runs} runs: {figures.Line("w1_wf_per_s")} wf/s");
    }

    /// <summary>One host process: a warm-up and <paramref name="runs"/> rounds of <paramref name="n"/> sequential workflows.</summary>
    private static async Task W2(int n, int runs, BenchFigures figures, TextWriter log, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        using var host = BenchProcess.Start(Stopwatch.StartNew(), "w2", "--data", scratch.Path, "--workflows", n.ToString(), "--runs", runs.ToString());
        await host.WaitForExitAsync(TimeSpan.FromMinutes(30), figures, cancel);
        log.WriteLine($"w2: {n} one after another, {runs} runs: p50 {figures.Line("w2_p50_ms")} ms, p99 {figures.Line("w2_p99_ms")} ms");
    }

    /// <summary>Per run: start <paramref name="n"/>, SIGKILL at max(first start + 1 s, all acknowledged), restart, time until all completed.</summary>
    private static async Task W3(int n, int runs, BenchFigures figures, TextWriter log, CancellationToken cancel)
    {
        var server = OnPostgres;
        for (var run = 0; run <= runs; run++)
        {
            using var scratch = new Scratch();
            // On PostgreSQL each run gets a new database (the hosts of the run inherit it), as each gets a new file on SQLite.
            if (server is not null) Environment.SetEnvironmentVariable("STEADFAST_BENCH_POSTGRES", await NewPostgresDatabaseAsync(server, cancel));
            var clock = Stopwatch.StartNew();
            TimeSpan first, killed;
            using (var victim = BenchProcess.Start(clock, "w3-start", "--data", scratch.Path, "--workflows", n.ToString()))
            {
                (_, first) = await victim.WaitForAsync("FIRST", TimeSpan.FromMinutes(1), cancel: cancel);
                var (_, acked) = await victim.WaitForAsync("ACKED", TimeSpan.FromMinutes(5), cancel: cancel);
                var killAt = first + TimeSpan.FromSeconds(1) > acked ? first + TimeSpan.FromSeconds(1) : acked;
                if (killAt > clock.Elapsed) await Task.Delay(killAt - clock.Elapsed, cancel);
                killed = await victim.KillAsync();
            }
            using var successor = BenchProcess.Start(clock, "w3-resume", "--data", scratch.Path, "--workflows", n.ToString());
            var (_, started) = await successor.WaitForAsync("STARTED", TimeSpan.FromMinutes(1), cancel: cancel);
            var (_, resumed) = await successor.WaitForAsync("RESUMED", TimeSpan.FromMinutes(5), cancel: cancel);
            var (_, done) = await successor.WaitForAsync("DONE", TimeSpan.FromMinutes(5), cancel: cancel);
            await successor.WaitForExitAsync(TimeSpan.FromMinutes(1), cancel: cancel);
            if (run == 0) continue;
            figures.Add("w3_after_kill_ms", (done - killed).TotalMilliseconds);
            figures.Add("w3_from_first_start_ms", (done - first).TotalMilliseconds);
            log.WriteLine($"w3 run {run}: killed {(killed - first).TotalMilliseconds:0} ms after the first start; all {n} completed {(done - killed).TotalMilliseconds:0} ms after the kill " +
                          $"(host up {(started - killed).TotalMilliseconds:0} ms, all recovered at {(resumed - killed).TotalMilliseconds:0} ms)");
        }
    }

    /// <summary>Per run: leave <paramref name="n"/> waiting for a signal, read the memory, SIGKILL, restart, time the resume and the finish after signalling all.</summary>
    private static async Task W4(int n, int runs, BenchFigures figures, TextWriter log, CancellationToken cancel)
    {
        var server = OnPostgres;
        for (var run = 0; run <= runs; run++)
        {
            var count = run == 0 ? Math.Max(1, n / 10) : n;
            using var scratch = new Scratch();
            if (server is not null) Environment.SetEnvironmentVariable("STEADFAST_BENCH_POSTGRES", await NewPostgresDatabaseAsync(server, cancel)); // as in W3
            var clock = Stopwatch.StartNew();
            var measured = run == 0 ? new BenchFigures() : figures;
            TimeSpan killed;
            using (var victim = BenchProcess.Start(clock, "w4-start", "--data", scratch.Path, "--workflows", count.ToString()))
            {
                await victim.WaitForAsync("WAITING", TimeSpan.FromMinutes(10), measured, cancel);
                killed = await victim.KillAsync();
            }
            using var successor = BenchProcess.Start(clock, "w4-resume", "--data", scratch.Path, "--workflows", count.ToString());
            var (resumedLine, resumed) = await successor.WaitForAsync("RESUMED", TimeSpan.FromMinutes(5), cancel: cancel);
            var (_, finished) = await successor.WaitForAsync("FINISHED", TimeSpan.FromMinutes(10), cancel: cancel);
            await successor.WaitForExitAsync(TimeSpan.FromMinutes(1), cancel: cancel);
            if (run == 0) continue;
            figures.Add("w4_resume_ms", (resumed - killed).TotalMilliseconds);
            figures.Add("w4_finish_after_signals_ms", (finished - resumed).TotalMilliseconds);
            log.WriteLine($"w4 run {run}: {figures.Last("w4_bytes_per_waiting_wf"):0} bytes per waiting workflow; resumed {(resumed - killed).TotalMilliseconds:0} ms after the kill " +
                          $"({resumedLine[8..]}); all {n} signalled and finished {(finished - resumed).TotalMilliseconds:0} ms later");
        }
    }
}
