using Akka.Configuration;
using Npgsql;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The journal on PostgreSQL: the same Akka.Persistence.Sql plugin (linq2db's PostgreSQL provider over Npgsql) for
/// journal, snapshots and tags, and Steadfast's reads beside it — the unfinished workflows at start, through the same
/// partial indexes over start and terminal rows as on SQLite. Histories are recovered through the plugin (no bulk
/// read yet); nothing SQLite-only (WAL, busy timeout, Litestream) applies.
/// </summary>
public static class PostgreSqlJournal
{
    /// <summary>linq2db's provider name for PostgreSQL 15 with Npgsql.</summary>
    public const string Provider = "PostgreSQL.15";

    /// <summary>HOCON pointing every persistence plugin at the database of <paramref name="connectionString"/> (schema created on first start).</summary>
    public static Config Config(string connectionString) => StorageConfig.ForProvider(connectionString, Provider);

    /// <summary>The reads the router runs beside the plugin.</summary>
    public static JournalReads Reads(string connectionString) =>
        new(() => FindUnfinishedAsync(connectionString), _ => Task.FromResult(WorkflowHistories.Read.Empty));

    /// <summary>The unfinished workflows (dormant ones told apart by their newest row's tag); creates the lifecycle indexes once the plugin's tables exist.</summary>
    public static async Task<UnfinishedWorkflows.Found> FindUnfinishedAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT to_regclass('journal') IS NOT NULL AND to_regclass('tags') IS NOT NULL AND to_regclass('snapshot') IS NOT NULL";
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return new([]); // a new database: the plugin creates its tables on first use
        }
        await using (var indexes = connection.CreateCommand())
        {
            indexes.CommandText = $"""
                CREATE INDEX IF NOT EXISTS steadfast_started ON journal (persistence_id) WHERE {LifecycleIndexes.Started};
                CREATE INDEX IF NOT EXISTS steadfast_finished ON journal (persistence_id) WHERE {LifecycleIndexes.Finished};
                """;
            await indexes.ExecuteNonQueryAsync(cancellationToken);
        }
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
                             AND w.tag = @waiting),
                   EXISTS (SELECT 1 FROM snapshot s WHERE s.persistence_id = u.persistence_id)
            FROM unfinished u
            """;
        command.Parameters.AddWithValue("waiting", JournalTags.WaitingForSignalTag);
        var all = new List<UnfinishedWorkflows.Unfinished>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            if (PersistenceIds.WorkflowIdOf(reader.GetString(0)) is { } workflowId)
                all.Add(new(workflowId, reader.GetBoolean(1), reader.GetBoolean(2)));
        return new(all);
    }
}
