using System.Diagnostics;
using System.Globalization;
using Steadfast.Actors;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>steadfast bench --workload soak --minutes M [--rate R] [--kill-every K] [--soak-config F]</c>: mixed load (starts,
/// signals, durable timers, children, transient failures) at R starts/s for M minutes, with a kill -9 of the host
/// every K minutes and Litestream replicating as the config says. Every 30 s it samples completions/s, the host's
/// resident memory, journal and WAL size, and every 5 minutes the replication lag (restore the replica, compare the
/// newest commit with the file's). At the end a last host finishes what is left, and every workflow is checked.
/// </summary>
internal static class SoakBench
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LagEvery = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(double minutes, int rate, double killEveryMinutes, string? configFile, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        var options = configFile is null ? new SteadfastOptions { DataDirectory = Path.Combine(scratch.Path, "data") } : SteadfastHost.LoadOptions(configFile);
        var db = options.DatabasePath;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromMinutes(minutes);
        var samples = new List<string>();
        Console.WriteLine($"soak: {minutes} min at {rate} starts/s, kill -9 every {killEveryMinutes} min, journal {db}, replication {(options.Replication.Enabled ? "on" : "off")}");
        Console.WriteLine("  minute  completed/s  rss_mb  journal_mb  wal_mb  replication_lag_ms");
        var run = 0;
        var kills = 0;
        var (lastCompleted, lastSample, lastLag) = (0L, TimeSpan.Zero, TimeSpan.Zero);
        while (clock.Elapsed < end)
        {
            run++;
            using var host = BenchProcess.Start(clock, "soak", [.. HostArgs(configFile, options), "--workflows", rate.ToString(CultureInfo.InvariantCulture), "--runs", run.ToString(CultureInfo.InvariantCulture)]);
            await host.WaitForAsync("STARTED", TimeSpan.FromMinutes(2), cancel: cancel);
            var killAt = TimeSpan.FromTicks(Math.Min(end.Ticks, (clock.Elapsed + TimeSpan.FromMinutes(killEveryMinutes)).Ticks));
            while (clock.Elapsed < killAt)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancel);
                if (clock.Elapsed - lastSample < SampleEvery) continue;
                var completed = Count(db, "WorkflowCompleted.v1");
                var lag = "";
                if (options.Replication.Enabled && clock.Elapsed - lastLag >= LagEvery)
                {
                    lag = (await ReplicationLagMs(options, scratch.Path, cancel)).ToString("0", CultureInfo.InvariantCulture);
                    lastLag = clock.Elapsed;
                }
                var line = FormattableString.Invariant(
                    $"  {clock.Elapsed.TotalMinutes,6:0.0}  {(completed - lastCompleted) / (clock.Elapsed - lastSample).TotalSeconds,11:0.0}  {host.ResidentMb(),6:0}  {MegaBytes(db),10:0.0}  {MegaBytes(db + "-wal"),6:0.0}  {lag,18}");
                Console.WriteLine(line);
                samples.Add(line);
                (lastCompleted, lastSample) = (completed, clock.Elapsed);
            }
            if (clock.Elapsed < end)
            {
                await host.KillAsync();
                kills++;
                Console.WriteLine(FormattableString.Invariant($"  {clock.Elapsed.TotalMinutes,6:0.0}  kill -9 (run {run})"));
            }
            else await host.KillAsync(); // the last loaded run ends too; a quiet host finishes what is left
        }

        using (var last = BenchProcess.Start(clock, "soak", [.. HostArgs(configFile, options), "--workflows", "0", "--runs", (run + 1).ToString(CultureInfo.InvariantCulture)]))
        {
            await last.WaitForAsync("STARTED", TimeSpan.FromMinutes(2), cancel: cancel);
            var deadline = clock.Elapsed + TimeSpan.FromMinutes(10);
            while (Unfinished(db) > 0 && clock.Elapsed < deadline) await Task.Delay(TimeSpan.FromSeconds(2), cancel);
            await last.KillAsync();
        }
        var started = Count(db, "WorkflowStarted.v1");
        var unfinished = Unfinished(db);
        var duplicated = Scalar(db, "SELECT COUNT(*) FROM (SELECT persistence_id FROM journal WHERE manifest = 'WorkflowCompleted.v1' GROUP BY persistence_id HAVING COUNT(*) > 1)");
        var wrong = Scalar(db, """
            SELECT COUNT(*) FROM journal s JOIN journal c ON c.persistence_id = s.persistence_id AND c.manifest = 'WorkflowCompleted.v1'
            WHERE s.manifest = 'WorkflowStarted.v1' AND s.persistence_id NOT LIKE '%.%'
              AND CAST(json_extract(CAST(c.message AS TEXT), '$.result') AS INTEGER) < CAST(json_extract(CAST(s.message AS TEXT), '$.input') AS INTEGER) + 2
            """);
        Console.WriteLine($"soak done: {clock.Elapsed.TotalMinutes:0.0} min, {kills} kill(s), {started} workflows started (children included), " +
                          $"{unfinished} unfinished after the last host, {duplicated} duplicated completions, {wrong} wrong results");
        return unfinished == 0 && duplicated == 0 && wrong == 0 ? 0 : 1;
    }

    private static string[] HostArgs(string? configFile, SteadfastOptions options) =>
        configFile is null ? ["--data", options.DataDirectory] : ["--data", options.DataDirectory, "--host-config", configFile];

    /// <summary>Restores the replica to a scratch file; the lag is the file's newest commit minus the replica's, in ms.</summary>
    private static async Task<double> ReplicationLagMs(SteadfastOptions options, string scratch, CancellationToken cancel)
    {
        var newestLocal = Scalar(options.DatabasePath, "SELECT MAX(created) FROM journal");
        var copy = Path.Combine(scratch, $"lag-{Guid.NewGuid():N}.db");
        await Litestream.For(options).RestoreAsync(copy, cancel);
        var newestReplica = File.Exists(copy) ? Scalar(copy, "SELECT MAX(created) FROM journal") : 0;
        foreach (var f in Directory.GetFiles(scratch, Path.GetFileName(copy) + "*")) File.Delete(f);
        return Math.Max(0, newestLocal - newestReplica) / (double)TimeSpan.TicksPerMillisecond; // the plugin's created column holds UTC ticks
    }

    private static long Count(string db, string manifest) => Scalar(db, $"SELECT COUNT(*) FROM journal WHERE manifest = '{manifest}'");

    private static long Unfinished(string db) =>
        Count(db, "WorkflowStarted.v1") - Count(db, "WorkflowCompleted.v1") - Count(db, "WorkflowFailed.v1") - Count(db, "WorkflowCancelled.v1");

    private static double MegaBytes(string file) => File.Exists(file) ? new FileInfo(file).Length / 1048576.0 : 0;

    /// <summary>The soak's host: starts <c>rate</c> SoakWorkflows a second and signals each 0.5–3 s later, until killed.</summary>
    public static async Task HostAsync(WorkflowClient client, int rate, int run, CancellationToken cancel)
    {
        Console.WriteLine("STARTED");
        if (rate == 0)
        {
            await Task.Delay(Timeout.Infinite, cancel);
            return;
        }
        var random = new Random(run);
        for (var i = 0; !cancel.IsCancellationRequested; i++)
        {
            var tick = Stopwatch.StartNew();
            for (var k = 0; k < rate; k++)
            {
                var (id, input, delay) = ($"soak-{run}-{i}-{k}", i * rate + k, random.Next(500, 3000));
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await client.StartAsync(id, nameof(SoakWorkflow), input.ToString(CultureInfo.InvariantCulture), cancel);
                        await Task.Delay(delay, cancel);
                        await client.SignalAsync(id, "go", "1", signalId: "go", cancellationToken: cancel);
                    }
                    catch (Exception e) when (e is WorkflowStartException or WorkflowRequestException)
                    {
                        Console.Error.WriteLine($"{id}: {e.Message}"); // overloaded, or the signal came after the 10 s wait gave up
                    }
                }, cancel);
            }
            var rest = TimeSpan.FromSeconds(1) - tick.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest, cancel);
        }
    }
}
