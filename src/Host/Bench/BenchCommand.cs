using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Actors;
using Steadfast.Hosting;
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
        var command = new Command("bench", "Measure throughput, latency and recovery on this machine.") { workflows, latencyCount, runs, json };
        command.SetAction((p, c) => RunAsync(p.GetValue(workflows), p.GetValue(latencyCount), p.GetValue(runs), p.GetValue(json), c));
        return command;
    }

    /// <summary>The hidden child mode: start workflows whose activities hang, print READY, wait to be killed.</summary>
    public static Command CreateVictim()
    {
        var data = new Option<string>("--data") { Required = true };
        var workflows = new Option<int>("--workflows") { Required = true };
        var command = new Command("bench-victim", "(internal) process that bench kills with SIGKILL") { data, workflows };
        command.Hidden = true;
        command.SetAction(async (p, c) =>
        {
            PlusOne.Hang = true;
            using var host = BuildHost(p.GetValue(data)!);
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
        var figures = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (figures.TryGetValue(key, out var l) ? l : figures[key] = []).Add(value);

        for (var run = 0; run <= runs; run++)
        {
            var warmUp = run == 0;
            var (wfPerSec, rowsPerWf) = await Throughput(workflows, warmUp ? Math.Min(workflows, 200) : workflows, cancel);
            var (p50, p99) = await Latency(warmUp ? 20 : latencyCount, cancel);
            if (warmUp) continue;
            var resumeMs = await ResumeAfterKill(workflows, cancel);
            Add("w1_wf_per_s", wfPerSec);
            Add("w1_activities_per_s", wfPerSec * 3);
            Add("journal_rows_per_wf", rowsPerWf);
            Add("w2_p50_ms", p50);
            Add("w2_p99_ms", p99);
            Add("resume_after_kill_ms", resumeMs);
            if (!json) Console.WriteLine($"run {run}: {wfPerSec:0} wf/s, rows/wf {rowsPerWf:0.0}, p50 {p50:0.0} ms, p99 {p99:0.0} ms, resume {resumeMs:0} ms");
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        if (json)
        {
            var o = new Dictionary<string, object> { ["runs"] = runs, ["workflows"] = workflows, ["loadavg"] = load };
            foreach (var (k, v) in figures)
            {
                o[k + "_median"] = Median(v);
                o[k + "_min"] = v.Min();
                o[k + "_max"] = v.Max();
            }
            Console.WriteLine(JsonSerializer.Serialize(o));
        }
        else
        {
            Console.WriteLine($"medians of {runs} run(s), {workflows} workflows, load average {load}:");
            foreach (var (k, v) in figures) Console.WriteLine($"  {k,-24} {Median(v),10:0.0}   (min {v.Min():0.0}, max {v.Max():0.0})");
        }
        return 0;
    }

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
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        foreach (var a in new[] { "bench-victim", "--data", scratch.Path, "--workflows", count.ToString() }) info.ArgumentList.Add(a);
        using (var victim = Process.Start(info)!)
        {
            try
            {
                while (await victim.StandardOutput.ReadLineAsync(cancel) is { } line && line != "READY") { }
            }
            finally
            {
                victim.Kill(entireProcessTree: true); // SIGKILL
                await victim.WaitForExitAsync(cancel);
            }
        }

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

    private static IHost BuildHost(string dataDirectory) =>
        SteadfastHost.Build(new SteadfastOptions { DataDirectory = dataDirectory },
            new SteadfastRegistry().AddWorkflow<ThreeStepBench>().AddActivity<PlusOne>(), minimumLevel: LogLevel.Warning);

    private static void Check(IEnumerable<(WorkflowStatus Status, int Input)> results)
    {
        foreach (var (status, input) in results)
            if (status.Status != ExecutionStatus.Completed || status.ResultJson != (input + 3).ToString())
                throw new InvalidOperationException($"Wrong result for {status.WorkflowId}: {status.Status} {status.ResultJson ?? status.Error}");
    }

    private static long Scalar(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static double Median(List<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private sealed class Scratch : IDisposable
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
