using Akka.Actor;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Copies a SQLite journal (journal, tags and snapshot rows, with their orderings) into PostgreSQL, for a user who
/// outgrows one file: the schema is created by the plugin itself, rows go over in ordering order in batches, every
/// insert skips a row already there (so a run interrupted half-way is finished by running it again), and the result is
/// verified — row counts and each workflow's highest sequence number on both sides.
/// </summary>
public static class JournalMigration
{
    private const int Batch = 1_000;

    /// <summary>What was copied and what the target holds.</summary>
    public sealed record Result(long JournalRows, long TagRows, long SnapshotRows, int Workflows, long Copied);

    /// <summary>Thrown when the target is not empty and continuing was not asked for, or the copy does not verify.</summary>
    public sealed class MigrationException(string message) : Exception(message);

    /// <summary>
    /// Migrates <paramref name="sqliteFile"/> into the database of <paramref name="connectionString"/>. A target that
    /// already holds journal rows is refused unless <paramref name="continueInto"/> (finishing an interrupted run, or
    /// adding to a database that holds other workflows).
    /// </summary>
    public static async Task<Result> RunAsync(string sqliteFile, string connectionString, bool continueInto, Action<string> progress,
        CancellationToken cancellationToken = default)
    {
        JournalReader.Open(sqliteFile).Dispose(); // a missing, foreign or unreadable file is refused with its own error
        long existing;
        await using (var probe = new NpgsqlConnection(connectionString))
        {
            await probe.OpenAsync(cancellationToken);
            existing = await ScalarAsync(probe, "SELECT CASE WHEN to_regclass('journal') IS NULL THEN 0 ELSE 1 END", cancellationToken) == 0 ? 0
                : await ScalarAsync(probe, "SELECT COUNT(*) FROM journal", cancellationToken);
        }
        if (existing > 0 && !continueInto) // before anything is created or changed in a database named by mistake
            throw new MigrationException($"The target already holds {existing} journal rows; migrate only into an empty database, or pass --continue to finish an " +
                                         "interrupted migration (rows already there are skipped).");
        await CreateSchemaAsync(connectionString, cancellationToken);
        await using var target = new NpgsqlConnection(connectionString);
        await target.OpenAsync(cancellationToken);

        using var open = ReadOnlyOpen.For(Path.GetFullPath(sqliteFile));
        await using var source = new SqliteConnection(open.ConnectionString);
        await source.OpenAsync(cancellationToken);
        // First: a host started on the target while this runs (or after an interruption) writes after the copied orderings.
        await ExecuteAsync(target, $"SELECT setval(pg_get_serial_sequence('journal', 'ordering'), GREATEST((SELECT COALESCE(MAX(ordering), 0) FROM journal), {Math.Max(1, await ScalarAsync(source, "SELECT COALESCE(MAX(ordering), 0) FROM journal", cancellationToken))}))", cancellationToken);
        long copied = 0;
        copied += await CopyAsync(source, target, "SELECT ordering, created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid FROM journal ORDER BY ordering",
            "journal (ordering, created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) OVERRIDING SYSTEM VALUE",
            "(persistence_id, sequence_number)",
            [NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Boolean, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bytea, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text],
            "journal", progress, cancellationToken);
        copied += await CopyAsync(source, target, "SELECT ordering_id, tag, sequence_nr, persistence_id FROM tags ORDER BY ordering_id",
            "tags (ordering_id, tag, sequence_nr, persistence_id)", "(ordering_id, tag)", [NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Text], "tags", progress, cancellationToken);
        if (await SourceHasAsync(source, "snapshot", cancellationToken))
            copied += await CopyAsync(source, target, "SELECT persistence_id, sequence_number, created, snapshot, manifest, serializer_id FROM snapshot",
                "snapshot (persistence_id, sequence_number, created, snapshot, manifest, serializer_id)", "(persistence_id, sequence_number)",
                [NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bytea, NpgsqlDbType.Text, NpgsqlDbType.Integer], "snapshot", progress, cancellationToken);
        // New rows continue after the copied orderings.
        await ExecuteAsync(target, "SELECT setval(pg_get_serial_sequence('journal', 'ordering'), GREATEST((SELECT COALESCE(MAX(ordering), 0) FROM journal), 1))", cancellationToken);
        await PostgreSqlJournal.FindUnfinishedAsync(connectionString, cancellationToken); // creates the lifecycle indexes
        return await VerifyAsync(source, target, copied, exact: existing == 0, cancellationToken);
    }

    // The plugin creates its own tables (auto-initialize) when it starts: the schema is exactly the one it then uses.
    private static async Task CreateSchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        using var system = ActorSystem.Create("steadfast-migrate", SteadfastActorSystem.PostgreSqlConfig(connectionString)
            .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
        await persistence.JournalFor(null).Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30), cancellationToken);
        await persistence.SnapshotStoreFor(null).Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30), cancellationToken);
        await using var target = new NpgsqlConnection(connectionString);
        await target.OpenAsync(cancellationToken);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100, cancellationToken))
        {
            await using var exists = target.CreateCommand();
            exists.CommandText = "SELECT to_regclass('journal') IS NOT NULL AND to_regclass('tags') IS NOT NULL AND to_regclass('snapshot') IS NOT NULL " +
                                 "AND EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'journal'::regclass AND contype = 'u')";
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!) break;
            if (DateTime.UtcNow > deadline) throw new MigrationException("The journal plugin did not create its tables in the target within 30 s.");
        }
        await system.Terminate();
    }

    private static async Task<long> CopyAsync(SqliteConnection source, NpgsqlConnection target, string select, string into, string key, NpgsqlDbType[] types, string table,
        Action<string> progress, CancellationToken cancellationToken)
    {
        await using var read = source.CreateCommand();
        read.CommandText = select;
        await using var rows = await read.ExecuteReaderAsync(cancellationToken);
        long inserted = 0, seen = 0;
        var batch = new List<object?[]>(Batch);
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            await using var insert = target.CreateCommand();
            var values = new List<string>(batch.Count);
            for (var r = 0; r < batch.Count; r++)
            {
                values.Add("(" + string.Join(", ", types.Select((_, c) => $"@p{r}_{c}")) + ")");
                for (var c = 0; c < types.Length; c++)
                    insert.Parameters.Add(new NpgsqlParameter($"p{r}_{c}", types[c]) { Value = batch[r][c] ?? DBNull.Value });
            }
            // Only the row already copied is skipped: a row of another workflow at the same ordering is an error, not a silent loss.
            insert.CommandText = $"INSERT INTO {into} VALUES {string.Join(", ", values)} ON CONFLICT {key} DO NOTHING";
            try
            {
                inserted += await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new MigrationException($"The target holds other rows where this journal's {table} rows go ({e.ConstraintName}): migrate into an empty database.");
            }
            batch.Clear();
        }
        while (await rows.ReadAsync(cancellationToken))
        {
            var row = new object?[types.Length];
            for (var c = 0; c < types.Length; c++)
                row[c] = rows.IsDBNull(c) ? null : types[c] switch
                {
                    NpgsqlDbType.Boolean => rows.GetInt64(c) != 0,
                    NpgsqlDbType.Bytea => (byte[])rows.GetValue(c),
                    NpgsqlDbType.Integer => (int)rows.GetInt64(c),
                    NpgsqlDbType.Bigint => rows.GetInt64(c),
                    _ => rows.GetString(c),
                };
            batch.Add(row);
            seen++;
            if (batch.Count == Batch) await FlushAsync();
        }
        await FlushAsync();
        progress($"{table}: {seen} row(s) read, {inserted} inserted{(seen > inserted ? $", {seen - inserted} already there" : "")}");
        return inserted;
    }

    private static async Task<Result> VerifyAsync(SqliteConnection source, NpgsqlConnection target, long copied, bool exact, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var counts = new long[3];
        var tables = new[] { "journal", "tags", "snapshot" };
        for (var t = 0; t < tables.Length; t++)
        {
            var from = await SourceHasAsync(source, tables[t], cancellationToken) ? await ScalarAsync(source, $"SELECT COUNT(*) FROM {tables[t]}", cancellationToken) : 0;
            var to = await ScalarAsync(target, $"SELECT COUNT(*) FROM {tables[t]}", cancellationToken);
            counts[t] = to;
            if (exact ? to != from : to < from) problems.Add($"{tables[t]}: {from} rows in the file, {to} in the target");
        }
        // Each workflow's rows: how many, the first and the last sequence number, on both sides.
        const string perWorkflow = "SELECT persistence_id, COUNT(*), MIN(sequence_number), MAX(sequence_number) FROM journal GROUP BY persistence_id";
        var expected = new Dictionary<string, (long, long, long)>();
        await using (var read = source.CreateCommand())
        {
            read.CommandText = perWorkflow;
            await using var rows = await read.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken)) expected[rows.GetString(0)] = (rows.GetInt64(1), rows.GetInt64(2), rows.GetInt64(3));
        }
        await using (var read = target.CreateCommand())
        {
            read.CommandText = perWorkflow;
            await using var rows = await read.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
                if (expected.TryGetValue(rows.GetString(0), out var e) && e == (rows.GetInt64(1), rows.GetInt64(2), rows.GetInt64(3))) expected.Remove(rows.GetString(0));
        }
        if (expected.Count > 0) problems.Add($"{expected.Count} workflow(s) whose rows differ in the target, e.g. {expected.Keys.First()}");
        if (problems.Count > 0) throw new MigrationException("The copy does not verify: " + string.Join("; ", problems) + ". Run it again with --continue.");
        return new Result(counts[0], counts[1], counts[2], await CountWorkflowsAsync(source, cancellationToken), copied);
    }

    private static async Task<int> CountWorkflowsAsync(SqliteConnection source, CancellationToken cancellationToken) =>
        (int)await ScalarAsync(source, $"SELECT COUNT(*) FROM journal WHERE {LifecycleIndexes.Started}", cancellationToken);

    private static async Task<bool> SourceHasAsync(SqliteConnection source, string table, CancellationToken cancellationToken) =>
        await ScalarAsync(source, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'", cancellationToken) > 0;

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
