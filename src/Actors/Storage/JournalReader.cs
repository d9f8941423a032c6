using Microsoft.Data.Sqlite;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Reads a Steadfast journal file without writing to it or beside it (see <see cref="ReadOnlyOpen"/>; a live journal
/// is read as a WAL reader that never blocks or breaks its host) and refuses, with a specific error, anything that
/// is not one.
/// </summary>
public sealed class JournalReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ReadOnlyOpen _open;

    private JournalReader(SqliteConnection connection, ReadOnlyOpen open)
    {
        _connection = connection;
        _open = open;
    }

    /// <summary>Opens <paramref name="path"/> read-only after checking it is a Steadfast journal.</summary>
    /// <exception cref="JournalReadException">Missing file, not SQLite, or not a Steadfast journal.</exception>
    public static JournalReader Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new JournalReadException(JournalReadError.MissingFile, $"{full} does not exist.");
        if (!JournalFile.HasSqliteHeader(full)) throw new JournalReadException(JournalReadError.NotSqlite, $"{full} is not a SQLite database.");
        var open = ReadOnlyOpen.For(full);
        var connection = new SqliteConnection(open.ConnectionString);
        try
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'tags')";
            if ((long)check.ExecuteScalar()! != 2)
                throw new JournalReadException(JournalReadError.NotAJournal, $"{full} is a SQLite database but not a Steadfast journal (no journal and tags tables).");
            return new JournalReader(connection, open);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            open.Dispose();
            throw new JournalReadException(JournalReadError.NotSqlite, $"{full} cannot be read as SQLite: {e.Message}");
        }
        catch
        {
            connection.Dispose();
            open.Dispose();
            throw;
        }
    }

    /// <summary>One workflow's events in journal order.</summary>
    /// <exception cref="JournalReadException">Unknown id, or an event this version cannot read.</exception>
    public IReadOnlyList<HistoryEvent> History(string workflowId)
    {
        var read = WorkflowHistories.ReadFor(_connection, [workflowId], WorkflowHistories.Scope.Inspection);
        if (read.Unreadable.TryGetValue(workflowId, out var unreadable))
            throw new JournalReadException(JournalReadError.UnknownEventVersion, "The " + unreadable.Describe() +
                (unreadable.Reason.StartsWith("written by a newer", StringComparison.Ordinal) ? $" (Unknown history event '{unreadable.Manifest}')" : ""));
        return read.Histories.TryGetValue(workflowId, out var events)
            ? events
            : throw new JournalReadException(JournalReadError.UnknownWorkflow, $"No workflow has the id '{Echo.Clip(workflowId)}' in this journal.");
    }

    /// <summary>
    /// Executions, newest first, with optional filters; one indexed query per page. An unfinished execution with an
    /// event this version cannot read is <c>Faulted</c> (as a host reports it): finding those, or the Running ones
    /// without them, decodes the events of every unfinished execution.
    /// </summary>
    public IReadOnlyList<ExecutionSummary> List(string? status, string? type, int limit, int offset)
    {
        if (status is "Running" or "Faulted")
            return MarkUnreadable(Query("Running", type, -1, 0)).Where(r => r.Status == status).Skip(offset).Take(limit).ToList();
        return MarkUnreadable(Query(status, type, limit, offset));
    }

    /// <summary>Running rows whose history holds an unreadable event become Faulted, with the reason.</summary>
    private List<ExecutionSummary> MarkUnreadable(List<ExecutionSummary> rows)
    {
        var unreadable = WorkflowHistories.ReadFor(_connection, rows.Where(r => r.Status == "Running").Select(r => r.WorkflowId).ToList(),
            WorkflowHistories.Scope.Inspection).Unreadable;
        return rows.Select(r => unreadable.TryGetValue(r.WorkflowId, out var u) ? r with { Status = "Faulted", Unreadable = u.Describe() } : r).ToList();
    }

    // Per execution: its start row (from the start index) and its newest row (one index probe on
    // (persistence_id, sequence_number)); the newest row says the status, the time it finished and the count.
    // Joining the finish tags by persistence id instead made SQLite scan them per row: minutes at 100k.
    private static readonly string Executions = $"""
        WITH execution AS (
          SELECT s.persistence_id AS pid, s.ordering AS started_row,
                 (SELECT ordering FROM journal x WHERE x.persistence_id = s.persistence_id ORDER BY sequence_number DESC LIMIT 1) AS last_row
          FROM journal s WHERE s.{LifecycleIndexes.Started}
        )
        """;

    /// <summary>
    /// Counts by status, the newest failed ids and the running ones with no event since <paramref name="stuckBefore"/>
    /// (each at most <paramref name="maxIds"/>, newest start first), and the journal's newest write: one pass over
    /// the start index, for a fleet summary.
    /// </summary>
    public JournalOverview Overview(DateTimeOffset stuckBefore, int maxIds)
    {
        long running = 0, completed = 0, failed = 0, cancelled = 0;
        var failedIds = new List<string>();
        var stuckIds = new List<string>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = $$"""
                {{Executions}}
                SELECT e.pid, l.manifest,
                       CASE WHEN json_valid(CAST(l.message AS TEXT)) THEN json_extract(CAST(l.message AS TEXT), '$.timestamp') END
                FROM execution e JOIN journal l ON l.ordering = e.last_row
                ORDER BY e.started_row DESC
                """;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var id = PersistenceIds.WorkflowIdOf(r.GetString(0))!;
                var manifest = r.GetString(1);
                if (manifest == LifecycleIndexes.TerminalManifest("Completed")) completed++;
                else if (manifest == LifecycleIndexes.TerminalManifest("Cancelled")) cancelled++;
                else if (manifest == LifecycleIndexes.TerminalManifest("Failed"))
                {
                    failed++;
                    if (failedIds.Count < maxIds) failedIds.Add(id);
                }
                else
                {
                    running++;
                    if (stuckIds.Count < maxIds && !r.IsDBNull(2) && Timestamp(r.GetString(2)) < stuckBefore) stuckIds.Add(id);
                }
            }
        }
        var (lastRow, lastWrite) = Newest();
        return new JournalOverview(running, completed, failed, cancelled, failedIds, stuckIds, lastWrite, lastRow);
    }

    /// <summary>The newest row's ordering (0 for an empty journal) and when it was written: one probe of the primary key.</summary>
    public (long Row, DateTimeOffset? WrittenAt) Newest()
    {
        using var newest = _connection.CreateCommand();
        newest.CommandText = """
            SELECT ordering, CASE WHEN json_valid(CAST(message AS TEXT)) THEN json_extract(CAST(message AS TEXT), '$.timestamp') END
            FROM journal ORDER BY ordering DESC LIMIT 1
            """;
        using var n = newest.ExecuteReader();
        return n.Read() ? (n.GetInt64(0), n.IsDBNull(1) ? null : Timestamp(n.GetString(1))) : (0L, null);
    }

    private List<ExecutionSummary> Query(string? status, string? type, int limit, int offset)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $$"""
            {{Executions}}
            SELECT e.pid,
                   CASE WHEN json_valid(CAST(j.message AS TEXT)) THEN json_extract(CAST(j.message AS TEXT), '$.workflowType') END AS type,
                   CASE WHEN json_valid(CAST(j.message AS TEXT)) THEN json_extract(CAST(j.message AS TEXT), '$.timestamp') END AS started,
                   l.manifest AS last,
                   CASE WHEN json_valid(CAST(l.message AS TEXT)) THEN json_extract(CAST(l.message AS TEXT), '$.timestamp') END AS last_time,
                   l.sequence_number AS events
            FROM execution e
            JOIN journal j ON j.ordering = e.started_row
            JOIN journal l ON l.ordering = e.last_row
            WHERE ($type IS NULL OR type = $type)
              AND ($status IS NULL
                   OR ($status = 'Running' AND NOT l.{{LifecycleIndexes.Finished}})
                   OR l.manifest = $terminal)
            ORDER BY e.started_row DESC
            LIMIT $limit OFFSET $offset
            """;
        cmd.Parameters.AddWithValue("$type", (object?)type ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$terminal", (object?)LifecycleIndexes.TerminalManifest(status) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$limit", limit);
        cmd.Parameters.AddWithValue("$offset", offset);
        var rows = new List<ExecutionSummary>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var last = r.GetString(3).Split('.')[0];
            var terminal = LifecycleIndexes.IsTerminal(r.GetString(3));
            rows.Add(new ExecutionSummary(
                PersistenceIds.WorkflowIdOf(r.GetString(0))!,
                r.IsDBNull(1) ? "?" : r.GetString(1),
                terminal ? last["Workflow".Length..] : "Running",
                r.IsDBNull(2) ? null : Timestamp(r.GetString(2)),
                terminal && !r.IsDBNull(4) ? Timestamp(r.GetString(4)) : null,
                r.GetInt64(5),
                last));
        }
        return rows;
    }

    /// <summary>Closes the file (and removes a private copy).</summary>
    public void Dispose()
    {
        _connection.Dispose();
        _open.Dispose();
    }

    // The events' timestamps are ISO 8601 round-trip strings, whatever the reading machine's culture.
    private static DateTimeOffset Timestamp(string text) =>
        DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
}
