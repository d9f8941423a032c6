using Microsoft.Data.Sqlite;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Partial indexes over the journal's start and terminal events (by manifest), so that host start finds the
/// unfinished workflows, and the inspector lists executions, without a tag row on every start and finish. The
/// plugin writes tagged rows one by one (an insert plus an identity read each) and splits its batch around them
/// (measured: docs/performance.md, session 3).
/// </summary>
public static class LifecycleIndexes
{
    /// <summary>The condition of a workflow's start row; queries must use this exact text for SQLite to use the index.</summary>
    public static readonly string Started = $"manifest = '{HistoryEventCodec.ManifestOf<WorkflowStarted>()}'";

    private static readonly Dictionary<string, string> TerminalByStatus = new()
    {
        ["Completed"] = HistoryEventCodec.ManifestOf<WorkflowCompleted>(),
        ["Failed"] = HistoryEventCodec.ManifestOf<WorkflowFailed>(),
        ["Cancelled"] = HistoryEventCodec.ManifestOf<WorkflowCancelled>(),
    };

    /// <summary>The condition of a workflow's terminal row; queries must use this exact text for SQLite to use the index.</summary>
    public static readonly string Finished = $"manifest IN ({string.Join(", ", TerminalByStatus.Values.Select(m => $"'{m}'"))})";

    /// <summary>The manifest of the terminal event that ends a workflow with <paramref name="status"/>; null for any other status.</summary>
    public static string? TerminalManifest(string? status) => status is not null && TerminalByStatus.TryGetValue(status, out var m) ? m : null;

    /// <summary>True for the manifest of a completed, failed or cancelled event.</summary>
    public static bool IsTerminal(string manifest) => TerminalByStatus.ContainsValue(manifest);

    /// <summary>
    /// Creates the indexes when the plugin's journal table exists. A new journal gets its table from the plugin after
    /// this runs, so it gets the indexes at its next host start; until then the same queries scan the journal.
    /// </summary>
    public static void Ensure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
        if ((long)command.ExecuteScalar()! == 0) return;
        command.CommandText = $"""
            CREATE INDEX IF NOT EXISTS steadfast_started ON journal (persistence_id) WHERE {Started};
            CREATE INDEX IF NOT EXISTS steadfast_finished ON journal (persistence_id) WHERE {Finished};
            """;
        command.ExecuteNonQuery();
    }
}
