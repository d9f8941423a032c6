using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steadfast.Actors.Storage;
using Steadfast.Actors;
using Steadfast.Cli.Inspection;
using Steadfast.Hosting;
using Steadfast.Runtime;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>steadfast bench --workload inspection</c>: time of <c>list</c> over 100k executions and <c>history</c> of a
/// 10k-event workflow. The 10k-event workflow and 100 three-step workflows run for real; the 100k executions
/// are those 100 workflows' rows copied under new ids (same rows, tags and sizes), which is how the journal
/// of a long-lived host looks to a reader without hours of writing.
/// </summary>
internal static class InspectionBench
{
    public static async Task<int> RunAsync(int executions, int runs, bool json, CancellationToken cancel)
    {
        using var scratch = new Scratch();
        using (var host = SteadfastHost.Build(new SteadfastOptions { DataDirectory = scratch.Path },
                   new SteadfastRegistry().AddWorkflow<ThreeStepBench>().AddWorkflow<LongWorkflow>().AddActivity<PlusOne>(), minimumLevel: LogLevel.Warning))
        {
            await host.StartAsync(cancel);
            var client = host.Services.GetRequiredService<WorkflowClient>();
            await client.StartAsync("long", nameof(LongWorkflow), "4999", cancel);
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                await client.StartAsync($"w-{i}", nameof(ThreeStepBench), i.ToString(), cancel);
                await client.WaitAsync($"w-{i}", TimeSpan.FromMinutes(5), cancel);
            }));
            var status = await client.WaitAsync("long", TimeSpan.FromMinutes(10), cancel);
            if (status.Status != ExecutionStatus.Completed) throw new InvalidOperationException($"long: {status.Status} {status.Error}");
            await host.StopAsync(cancel);
        }
        SqliteConnection.ClearAllPools();
        Multiply(scratch.Database, executions / 100);

        var figures = new BenchFigures();
        for (var run = 1; run <= runs; run++)
        {
            using var reader = JournalReader.Open(scratch.Database);
            figures.Add("list_first_page_ms", Time(() => reader.List(null, null, 50, 0)));
            figures.Add("list_completed_page_1000_ms", Time(() => reader.List("Completed", null, 50, 50 * 999)));
            figures.Add("history_10k_events_ms", Time(() => Timeline.Of(reader.History("long"), full: false)));
            figures.Add("cli_list_process_ms", TimeProcess("list", "--db", scratch.Database));
            figures.Add("cli_history_10k_process_ms", TimeProcess("history", "long", "--db", scratch.Database, "--json"));
        }
        figures.Add("executions", Scalar(scratch.Database, $"SELECT COUNT(*) FROM journal WHERE {Steadfast.Actors.Storage.LifecycleIndexes.Started}"));
        figures.Add("long_workflow_events", Scalar(scratch.Database, "SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-long'"));
        figures.Print(json, runs, "inspection: in-process query times and whole CLI processes");
        return 0;
    }

    // Copies every three-step workflow's journal and tag rows under new ids, in one transaction, from a
    // temporary copy of the originals so that each round reads 100 workflows, not the growing table.
    private static void Multiply(string db, int copies)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var tx = c.BeginTransaction();
        void Run(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        Run("""
            CREATE TEMP TABLE base_rows AS
              SELECT j.ordering, created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid,
                     (SELECT tag FROM tags t WHERE t.ordering_id = j.ordering) AS tag
              FROM journal j WHERE persistence_id LIKE 'workflow-w-%' ORDER BY ordering
            """);
        for (var k = 1; k < copies; k++)
        {
            Run($"""
                INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
                SELECT created, deleted, persistence_id || '-{k}', sequence_number, message, manifest, identifier, writer_uuid FROM base_rows ORDER BY ordering;
                INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id)
                SELECT j.ordering, b.tag, b.sequence_number, j.persistence_id
                FROM base_rows b JOIN journal j ON j.persistence_id = b.persistence_id || '-{k}' AND j.sequence_number = b.sequence_number
                WHERE b.tag IS NOT NULL;
                """);
        }
        tx.Commit();
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double TimeProcess(params string[] args)
    {
        // The steadfast CLI, copied next to the bench by its project reference.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "steadfast.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"steadfast {string.Join(' ', args)} exited with {p.ExitCode}");
        return clock.Elapsed.TotalMilliseconds;
    }
}
