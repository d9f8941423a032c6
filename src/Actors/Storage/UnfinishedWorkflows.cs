using System.Data.Common;
using Microsoft.Data.Sqlite;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Finds the workflows to resume at host start: started and not finished (<see cref="LifecycleIndexes"/>), split into
/// those to recover now and the dormant ones whose newest event carries the waiting-for-signal tag.
/// </summary>
/// <remarks>
/// A direct read-only query rather than Akka.Persistence.Query's CurrentEventsByTag: that stream is bounded by
/// the journal-sequence actor's max ordering, which is still 0 right after start, so it found none of the 7
/// unfinished workflows of a killed host. This query is indexed and does not deserialize events.
/// </remarks>
public static class UnfinishedWorkflows
{
    /// <summary>
    /// One unfinished workflow (id without the <c>workflow-</c> prefix). <paramref name="HasSnapshot"/> tells recovery
    /// whether to ask the snapshot store; <paramref name="History"/> is its whole journal when it was read here, and
    /// <paramref name="Unreadable"/> the event that stopped the read when one could not be decoded.
    /// </summary>
    public sealed record Unfinished(string WorkflowId, bool Dormant, bool HasSnapshot, IReadOnlyList<HistoryEvent>? History = null,
        UnreadableEvent? Unreadable = null);

    /// <summary>Histories read in one pass for the workflows recovered at start (more recover one by one through the plugin).</summary>
    public const int MaxPreloaded = 10_000;

    /// <summary>The unfinished workflows: <see cref="Recover"/> now, <see cref="Dormant"/> until a signal comes.</summary>
    public sealed record Found(IReadOnlyList<Unfinished> All)
    {
        /// <summary>Ids to recover at start.</summary>
        public IReadOnlyList<string> Recover => All.Where(u => u is { Dormant: false, Unreadable: null }).Select(u => u.WorkflowId).ToList();

        /// <summary>Workflows with an event this version cannot read: faulted, not resumed.</summary>
        public IReadOnlyList<UnreadableEvent> Unreadable => All.Where(u => u.Unreadable is not null).Select(u => u.Unreadable!).ToList();

        /// <summary>Ids to leave on disk until a message for them arrives.</summary>
        public IReadOnlyList<string> Dormant => All.Where(u => u.Dormant).Select(u => u.WorkflowId).ToList();
    }

    /// <summary>Reads the unfinished workflows of the journal at <paramref name="databasePath"/>.</summary>
    public static async Task<Found> FindAsync(string databasePath, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(ReadOnlyOpen.Shared(databasePath));
        await connection.OpenAsync(cancellationToken);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'tags', 'snapshot')";
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! < 3) return new([]); // a new journal: the plugin creates its tables on first use
        }
        // "+w.tag" keeps SQLite off the tag index, which made this O(n²) (docs/performance.md).
        var all = await QueryAsync(connection, tagColumn: "+w.tag", cancellationToken);
        return WithHistories(all, WorkflowHistories.ReadFor(connection, ToPreload(all), WorkflowHistories.Scope.Recovery, cancellationToken));
    }

    /// <summary>
    /// The unfinished workflows, on either provider's connection. Dormant: the newest journal row of the workflow
    /// carries the waiting-for-signal tag, one probe of the (persistence_id, sequence_nr) index each.
    /// </summary>
    internal static async Task<List<Unfinished>> QueryAsync(DbConnection connection, string tagColumn, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $$"""
            WITH unfinished AS (
              SELECT persistence_id FROM journal WHERE {{LifecycleIndexes.Started}}
              EXCEPT
              SELECT persistence_id FROM journal WHERE {{LifecycleIndexes.Finished}})
            SELECT u.persistence_id,
                   EXISTS (SELECT 1 FROM tags w
                           WHERE w.persistence_id = u.persistence_id
                             AND w.sequence_nr = (SELECT MAX(j.sequence_number) FROM journal j WHERE j.persistence_id = u.persistence_id)
                             AND {{tagColumn}} = @waiting),
                   EXISTS (SELECT 1 FROM snapshot s WHERE s.persistence_id = u.persistence_id)
            FROM unfinished u
            """;
        var waiting = command.CreateParameter();
        waiting.ParameterName = "@waiting";
        waiting.Value = JournalTags.WaitingForSignalTag;
        command.Parameters.Add(waiting);
        var all = new List<Unfinished>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            if (PersistenceIds.WorkflowIdOf(reader.GetString(0)) is { } workflowId)
                all.Add(new(workflowId, reader.GetBoolean(1), reader.GetBoolean(2)));
        return all;
    }

    /// <summary>The workflows whose whole journal is read with the query: those to recover now, without a snapshot.</summary>
    internal static List<string> ToPreload(IEnumerable<Unfinished> all) =>
        all.Where(u => u is { Dormant: false, HasSnapshot: false }).Take(MaxPreloaded).Select(u => u.WorkflowId).ToList();

    /// <summary>The unfinished workflows with the histories (or the unreadable event) read for them.</summary>
    internal static Found WithHistories(IEnumerable<Unfinished> all, WorkflowHistories.Read read) =>
        new(all.Select(u => read.Histories.TryGetValue(u.WorkflowId, out var h) ? u with { History = h }
            : read.Unreadable.TryGetValue(u.WorkflowId, out var bad) ? u with { Unreadable = bad } : u).ToList());
}
