using Microsoft.Data.Sqlite;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Finds the workflows to resume at host start: started and not finished, read from the plugin's tag table.
/// </summary>
/// <remarks>
/// A direct read-only query rather than Akka.Persistence.Query's CurrentEventsByTag: that stream is bounded by
/// the journal-sequence actor's max ordering, which is still 0 right after start, so it found none of the 7
/// unfinished workflows of a killed host. This query is one indexed statement that does not deserialize events.
/// </remarks>
public static class UnfinishedWorkflows
{
    /// <summary>Workflow ids (without the <c>workflow-</c> prefix) that have a start tag and no finish tag.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(string databasePath, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tags'";
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! == 0) return []; // a new journal: the plugin creates its tables on first use
        }
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT persistence_id FROM tags WHERE tag = $started
            EXCEPT
            SELECT persistence_id FROM tags WHERE tag = $finished
            """;
        command.Parameters.AddWithValue("$started", LifecycleTagger.StartedTag);
        command.Parameters.AddWithValue("$finished", LifecycleTagger.FinishedTag);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var persistenceId = reader.GetString(0);
            if (persistenceId.StartsWith(WorkflowActor.PersistenceIdPrefix, StringComparison.Ordinal))
                ids.Add(persistenceId[WorkflowActor.PersistenceIdPrefix.Length..]);
        }
        return ids;
    }
}
