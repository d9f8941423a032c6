using Steadfast.Actors.Storage;
using Microsoft.Data.Sqlite;

namespace Steadfast.Hosting.Replication;

/// <summary>
/// Before replication starts on an existing journal: is it the history the replica holds? It is when it has Steadfast
/// events and Litestream's own record beside it (<c>.{file}-litestream/generation</c>) names the replica's newest
/// generation. An empty file, a file without that record, or one from an older generation is not: replicating it
/// would begin a new generation over the replica's history.
/// </summary>
internal static class LocalJournalCheck
{
    /// <summary>Why the local journal differs from the replica's history, or null when it is that history (or no replica has one).</summary>
    public static string? Difference(string databasePath, IReadOnlyList<ReplicaStatus> replicas)
    {
        if (replicas.Count == 0) return null;
        var newest = replicas.MaxBy(r => r.LastSync)!;
        var events = EventCount(databasePath);
        var generation = LocalGeneration(databasePath);
        if (events > 0 && generation == newest.Generation) return null;
        var local = events switch
        {
            null => "is not a readable Steadfast journal",
            0 => new FileInfo(databasePath).Length == 0 ? "is an empty file" : "holds no journal events",
            _ => generation is null ? $"holds {events} journal events but no Litestream generation" : $"holds {events} journal events of Litestream generation {generation}",
        };
        return $"The journal {databasePath} {local}, but replica '{newest.Replica}' holds generation {newest.Generation} " +
               $"(last synced {newest.LastSync:u}). Replicating this file would start a new generation over that history.";
    }

    private static long? EventCount(string databasePath)
    {
        if (new FileInfo(databasePath).Length == 0) return 0;
        try
        {
            using var connection = new SqliteConnection(ReadOnlyOpen.Shared(databasePath, pooled: false));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal') THEN (SELECT COUNT(*) FROM journal) ELSE 0 END";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    private static string? LocalGeneration(string databasePath)
    {
        var file = Litestream.GenerationRecord(databasePath);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    /// <summary>Moves the journal, its WAL and shared memory, and Litestream's record aside; returns the new name of the journal.</summary>
    public static string MoveAside(string databasePath)
    {
        var aside = $"{databasePath}.replaced-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(databasePath + suffix)) File.Move(databasePath + suffix, aside + suffix);
        var meta = Litestream.MetaFolder(databasePath);
        if (Directory.Exists(meta)) Directory.Move(meta, Litestream.MetaFolder(aside));
        return aside;
    }
}
