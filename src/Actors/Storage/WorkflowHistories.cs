using Microsoft.Data.Sqlite;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Reads the whole journals of many workflows in a few range queries, for recovery without the plugin's replay
/// (a query and an Akka.Streams materialization per workflow). Callers make sure nothing writes these ids meanwhile
/// (their actors do not exist yet); each actor still checks the plugin's highest sequence number against the history.
/// An id with an event that cannot be read is reported in <see cref="Read.Unreadable"/> instead, so that it alone is faulted.
/// </summary>
public static class WorkflowHistories
{
    /// <summary>The histories read, and the ids whose history holds an event this version cannot read.</summary>
    public sealed record Read(IReadOnlyDictionary<string, IReadOnlyList<HistoryEvent>> Histories, IReadOnlyDictionary<string, UnreadableEvent> Unreadable)
    {
        /// <summary>Nothing read.</summary>
        public static readonly Read Empty = new(new Dictionary<string, IReadOnlyList<HistoryEvent>>(), new Dictionary<string, UnreadableEvent>());
    }

    /// <summary>The histories of <paramref name="workflowIds"/> in the journal at <paramref name="databasePath"/>.</summary>
    public static async Task<Read> ReadAsync(string databasePath, IReadOnlyCollection<string> workflowIds,
        CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(StorageConfig.ReadOnlyConnectionString(databasePath));
        await connection.OpenAsync(cancellationToken);
        return await ReadAsync(connection, workflowIds, cancellationToken);
    }

    /// <summary>
    /// The histories of <paramref name="workflowIds"/> (ids without the <c>workflow-</c> prefix). An id with no rows, with
    /// a snapshot (recovery reads the snapshot and the tail, and must know it exists to replace it later) or with a gap in
    /// its sequence numbers is left out: the plugin's own recovery handles it.
    /// </summary>
    public static async Task<Read> ReadAsync(SqliteConnection connection, IReadOnlyCollection<string> workflowIds,
        CancellationToken cancellationToken = default)
    {
        var histories = new Dictionary<string, List<HistoryEvent>>();
        var gaps = new HashSet<string>();
        var unreadable = new Dictionary<string, UnreadableEvent>();
        foreach (var chunk in workflowIds.Chunk(PersistenceIdList.PerQuery))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT persistence_id, sequence_number, manifest, message FROM journal
                WHERE persistence_id IN ({PersistenceIdList.Bind(command, chunk.Select(PersistenceIds.Of))}) AND deleted = 0
                  AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.persistence_id = journal.persistence_id)
                ORDER BY persistence_id, sequence_number
                """;
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                var id = PersistenceIds.WorkflowIdOf(rows.GetString(0))!;
                var events = histories.TryGetValue(id, out var list) ? list : histories[id] = [];
                var sequenceNr = rows.GetInt64(1);
                if (sequenceNr != events.Count + 1 || unreadable.ContainsKey(id))
                {
                    gaps.Add(id);
                    continue;
                }
                if (UnreadableEvent.TryDecode(id, sequenceNr, (byte[])rows.GetValue(3), rows.GetString(2), out var problem) is { } e) events.Add(e);
                else unreadable[id] = problem!;
            }
        }
        return new Read(
            histories.Where(h => h.Value.Count > 0 && !gaps.Contains(h.Key) && !unreadable.ContainsKey(h.Key)).ToDictionary(h => h.Key, h => (IReadOnlyList<HistoryEvent>)h.Value),
            unreadable);
    }
}
