using System.Diagnostics;
using Microsoft.Data.Sqlite;
using static Steadfast.Bench.BenchSupport;

namespace Steadfast.Bench;

/// <summary>
/// <c>steadfast bench --workload limit</c>: this disk's ceiling for journal-sized rows through raw
/// Microsoft.Data.Sqlite (WAL, synchronous=FULL as shipped), one row per transaction and 100 per transaction.
/// The bench sets Steadfast's journal events/s from W1, measured in the same run, against the batched one.
/// </summary>
internal static class LimitBench
{
    private const int RowBytes = 300; // about an ActivityCompleted row

    public static void Measure(BenchFigures figures)
    {
        figures.Add("limit_rows_per_s_single", RowsPerSecond(perTransaction: 1, rows: 2_000));
        figures.Add("limit_rows_per_s_batched", RowsPerSecond(perTransaction: 100, rows: 50_000));
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
