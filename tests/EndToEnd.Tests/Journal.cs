using Microsoft.Data.Sqlite;

namespace Steadfast.EndToEnd.Tests;

/// <summary>Read-only queries on a journal file, safe while a host writes it.</summary>
internal static class Journal
{
    public static List<string[]> Query(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string[]>();
        while (r.Read()) rows.Add(Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToString(r.GetValue(i))!).ToArray());
        return rows;
    }

    /// <summary>Changes the file directly (no host may be running on it), as a newer version or another program would.</summary>
    public static void Execute(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>A count, or 0 while the file or its tables do not exist yet.</summary>
    public static long Count(string db, string sql)
    {
        if (!File.Exists(db)) return 0;
        try
        {
            return long.Parse(Query(db, sql).Single()[0]);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    public static long StepsCompleted(string db) => Count(db, "SELECT COUNT(*) FROM journal WHERE manifest = 'ActivityCompleted.v1'");

    public static long WorkflowsCompleted(string db) => Count(db, "SELECT COUNT(*) FROM journal WHERE manifest = 'WorkflowCompleted.v1'");

    public static HashSet<string> CompletedKeys(string db) =>
        Query(db, "SELECT persistence_id, json_extract(CAST(message AS TEXT), '$.sequence') FROM journal WHERE manifest = 'ActivityCompleted.v1'")
            .Select(r => $"{r[0]["workflow-".Length..]}/{r[1]}").ToHashSet();

    /// <summary>(workflow number, result) of every completed ledger workflow.</summary>
    public static List<(int Input, int Result)> Results(string db) =>
        Query(db, "SELECT persistence_id, json_extract(CAST(message AS TEXT), '$.result') FROM journal WHERE manifest = 'WorkflowCompleted.v1'")
            .Select(r => (int.Parse(r[0]["workflow-e2e-".Length..]), int.Parse(r[1]))).ToList();

    public static string IntegrityCheck(string db) => Query(db, "PRAGMA integrity_check").Single()[0];

    public static async Task Until(Func<bool> condition, TimeSpan timeout, Func<string> context)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met:\n" + context());
            await Task.Delay(25);
        }
    }
}
