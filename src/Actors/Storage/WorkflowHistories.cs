using Microsoft.Data.Sqlite;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Reads the whole journals of many workflows in a few range queries, for recovery without the plugin's replay
/// (a query and an Akka.Streams materialization per workflow). Callers make sure nothing writes these ids meanwhile
/// (their actors do not exist yet); each actor still checks the plugin's highest sequence number against the history.
/// </summary>
public static class WorkflowHistories
{
    /// <summary>The histories of <paramref name="workflowIds"/> in the journal at <paramref name="databasePath"/>.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<HistoryEvent>>> ReadAsync(string databasePath, IReadOnlyCollection<string> workflowIds,
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
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<HistoryEvent>>> ReadAsync(SqliteConnection connection, IReadOnlyCollection<string> workflowIds,
        CancellationToken cancellationToken = default)
    {
        var histories = new Dictionary<string, List<HistoryEvent>>();
        var gaps = new HashSet<string>();
        foreach (var chunk in workflowIds.Chunk(PersistenceIdList.PerQuery))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT persistence_id, sequence_number, manifest, message FROM journal
                WHERE persistence_id IN ({PersistenceIdList.Bind(command, chunk.Select(WorkflowActor.PersistenceIdOf))}) AND deleted = 0
                  AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.persistence_id = journal.persistence_id)
                ORDER BY persistence_id, sequence_number
                """;
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                var id = rows.GetString(0)[WorkflowActor.PersistenceIdPrefix.Length..];
                var events = histories.TryGetValue(id, out var list) ? list : histories[id] = [];
                if (rows.GetInt64(1) != events.Count + 1)
                {
                    gaps.Add(id);
                    continue;
                }
                events.Add(HistoryEventCodec.Decode((byte[])rows.GetValue(3), rows.GetString(2)));
            }
        }
        return histories.Where(h => h.Value.Count > 0 && !gaps.Contains(h.Key)).ToDictionary(h => h.Key, h => (IReadOnlyList<HistoryEvent>)h.Value);
    }
}
