using Akka.Configuration;
using Npgsql;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The journal on PostgreSQL: the same Akka.Persistence.Sql plugin (linq2db's PostgreSQL provider over Npgsql) for
/// journal, snapshots and tags, and Steadfast's reads beside it — the unfinished workflows at start, through the same
/// partial indexes over start and terminal rows as on SQLite, and the histories of many workflows read together in one
/// query each (an array parameter) for recovery; nothing SQLite-only (WAL, busy timeout, Litestream) applies.
/// </summary>
public static class PostgreSqlJournal
{
    /// <summary>linq2db's provider name for PostgreSQL 15 with Npgsql.</summary>
    public const string Provider = "PostgreSQL.15";

    /// <summary>HOCON pointing every persistence plugin at the database of <paramref name="connectionString"/> (schema created on first start).</summary>
    public static Config Config(string connectionString) => StorageConfig.ForProvider(connectionString, Provider);

    /// <summary>The reads the router runs beside the plugin.</summary>
    public static JournalReads Reads(string connectionString) =>
        new(() => FindUnfinishedAsync(connectionString), ids => ReadHistoriesAsync(connectionString, ids));

    /// <summary>The histories of <paramref name="workflowIds"/> for recovery (an id with a snapshot is left to the plugin), in one query per 1,000 ids.</summary>
    public static async Task<WorkflowHistories.Read> ReadHistoriesAsync(string connectionString, IReadOnlyCollection<string> workflowIds,
        CancellationToken cancellationToken = default)
    {
        var read = new WorkflowHistories.Accumulator();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var chunk in workflowIds.Chunk(1_000))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT persistence_id, sequence_number, manifest, message FROM journal
                WHERE persistence_id = ANY(@ids) AND NOT deleted
                  AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.persistence_id = journal.persistence_id)
                ORDER BY persistence_id, sequence_number
                """;
            command.Parameters.AddWithValue("ids", chunk.Select(PersistenceIds.Of).ToArray());
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken)) read.Add(rows.GetString(0), rows.GetInt64(1), rows.GetString(2), (byte[])rows.GetValue(3));
        }
        return read.Result();
    }

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
            // Created only when missing: CREATE INDEX takes a lock on the journal before it looks at IF NOT EXISTS.
            indexes.CommandText = "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'journal' AND indexname IN ('steadfast_started', 'steadfast_finished')";
            if (Convert.ToInt64(await indexes.ExecuteScalarAsync(cancellationToken)) < 2)
            {
                indexes.CommandText = $"""
                    CREATE INDEX IF NOT EXISTS steadfast_started ON journal (persistence_id) WHERE {LifecycleIndexes.Started};
                    CREATE INDEX IF NOT EXISTS steadfast_finished ON journal (persistence_id) WHERE {LifecycleIndexes.Finished};
                    """;
                await indexes.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        var all = await UnfinishedWorkflows.QueryAsync(connection, tagColumn: "w.tag", cancellationToken);
        return UnfinishedWorkflows.WithHistories(all, await ReadHistoriesAsync(connectionString, UnfinishedWorkflows.ToPreload(all), cancellationToken));
    }
}
