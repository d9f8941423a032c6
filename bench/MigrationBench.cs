using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steadfast.Actors;
using Steadfast.Actors.Storage;
using Steadfast.Hosting;
using Steadfast.Runtime;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>STEADFAST_BENCH_POSTGRES=… steadfast bench --workload migrate [--workflows N]</c>: a SQLite journal of N real
/// three-step workflows (8 events each; 12,500 make 100,000 events), then <c>JournalMigration</c> into a new database
/// of that PostgreSQL server, timed per run.
/// </summary>
internal static class MigrationBench
{
    public static async Task<int> RunAsync(int workflows, int runs, bool json, CancellationToken cancel)
    {
        var server = OnPostgres ?? throw new InvalidOperationException("Set STEADFAST_BENCH_POSTGRES to a PostgreSQL connection string (its database is used to create others).");
        Environment.SetEnvironmentVariable("STEADFAST_BENCH_POSTGRES", null); // the journal below is written on SQLite
        using var scratch = new Scratch();
        using (var host = SteadfastHost.Build(new SteadfastOptions { DataDirectory = scratch.Path },
                   new SteadfastRegistry().AddWorkflow<ThreeStepBench>().AddActivity<PlusOne>(), minimumLevel: LogLevel.Warning))
        {
            await host.StartAsync(cancel);
            var client = new WorkflowClient(host.Services.GetRequiredService<WorkflowClient>().Router, TimeSpan.FromMinutes(10));
            await Task.WhenAll(Enumerable.Range(0, workflows).Select(async i =>
            {
                await client.StartAsync($"m-{i}", nameof(ThreeStepBench), i, cancel);
                await client.WaitAsync($"m-{i}", TimeSpan.FromMinutes(10), cancel);
            }));
            await host.StopAsync(cancel);
        }
        SqliteConnection.ClearAllPools();
        var figures = new BenchFigures();
        for (var run = 1; run <= runs; run++)
        {
            var target = await NewPostgresDatabaseAsync(server, cancel);
            var clock = Stopwatch.StartNew();
            var result = await JournalMigration.RunAsync(scratch.Database, target, continueInto: false, _ => { }, cancel);
            figures.Add("migrate_s", clock.Elapsed.TotalSeconds);
            figures.Add("migrate_journal_rows_per_s", result.JournalRows / clock.Elapsed.TotalSeconds);
            figures.Add("journal_rows", result.JournalRows);
            Console.Error.WriteLine($"run {run}: {result.JournalRows} journal rows, {result.TagRows} tags, {result.SnapshotRows} snapshots in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        figures.Print(json, runs, $"migrate: {workflows} three-step workflows from SQLite into a new PostgreSQL database, verified");
        return 0;
    }
}
