using System.Diagnostics;
using Microsoft.Data.Sqlite;
using static Steadfast.Host.Bench.BenchCommand;

namespace Steadfast.Host.Bench;

/// <summary>
/// <c>steadfast bench --workload limit</c>: this disk's ceiling for journal-sized rows through raw
/// Microsoft.Data.Sqlite (WAL, synchronous=FULL as shipped), one row per transaction and 100 per transaction,
/// next to Steadfast's own journal events/s from the throughput workload, measured in the same run.
/// </summary>
internal static class LimitBench
{
    private const int RowBytes = 300; // about an ActivityCompleted row

    public static async Task<int> RunAsync(int workflows, int runs, bool json, CancellationToken cancel)
    {
        var figures = new BenchFigures();
        for (var run = 1; run <= runs; run++)
        {
            var single = RowsPerSecond(perTransaction: 1, rows: 2_000);
            var batched = RowsPerSecond(perTransaction: 100, rows: 50_000);
            var (wfPerSec, rowsPerWf) = await ThroughputAsync(workflows, cancel);
            var events = wfPerSec * rowsPerWf;
            figures.Add("limit_rows_per_s_single", single);
            figures.Add("limit_rows_per_s_batched", batched);
            figures.Add("journal_events_per_s", events);
            figures.Add("journal_percent_of_batched_ceiling", 100 * events / batched);
            if (!json) Console.WriteLine($"run {run}: raw 1/tx {single:0} rows/s, raw 100/tx {batched:0} rows/s, Steadfast {events:0} events/s ({events / batched:P1} of the batched ceiling)");
        }
        figures.Print(json, runs, "raw SQLite ceilings (WAL, synchronous=FULL) vs Steadfast journal events/s");
        return 0;
    }

    private static double RowsPerSecond(int perTransaction, int rows)
    {
        using var scratch = new Scratch();
        Directory.CreateDirectory(scratch.Path);
        using var c = new SqliteConnection($"Data Source={scratch.Database};Pooling=False");
        c.Open();
        using (var setup = c.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " +
                                "CREATE TABLE journal(ordering INTEGER PRIMARY KEY, persistence_id TEXT, sequence_number INTEGER, message BLOB, UNIQUE(persistence_id, sequence_number))";
            setup.ExecuteNonQuery();
        }
        var payload = new byte[RowBytes];
        Random.Shared.NextBytes(payload);
        using var insert = c.CreateCommand();
        insert.CommandText = "INSERT INTO journal(persistence_id, sequence_number, message) VALUES ($p, $s, $m)";
        var p = insert.Parameters.Add("$p", SqliteType.Text);
        var s = insert.Parameters.Add("$s", SqliteType.Integer);
        insert.Parameters.AddWithValue("$m", payload);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rows; i += perTransaction)
        {
            using var tx = c.BeginTransaction();
            insert.Transaction = tx;
            for (var j = i; j < i + perTransaction; j++)
            {
                p.Value = $"workflow-{j % 1000}";
                s.Value = j;
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        return rows / clock.Elapsed.TotalSeconds;
    }
}
