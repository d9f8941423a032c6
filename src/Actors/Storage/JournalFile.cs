using Microsoft.Data.Sqlite;

namespace Steadfast.Actors.Storage;

/// <summary>Checks and prepares the SQLite journal file before Akka opens it.</summary>
public static class JournalFile
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>
    /// The journal format this version writes, kept in SQLite's <c>user_version</c>: a file marked higher was written
    /// by a newer Steadfast, whose events this version may not read. Raise it when a change makes older versions
    /// misread the file (a new event version alone does not: an unreadable event faults only its workflow).
    /// </summary>
    public const int FormatVersion = 1;
    // The plugin's tables, and the bookkeeping tables Litestream adds to every database it replicates.
    private static readonly string[] OurTables = ["journal", "tags", "snapshot", "journal_metadata", "_litestream_seq", "_litestream_lock"];

    /// <summary>
    /// Creates the folder, refuses a file that is not SQLite or holds other tables, switches the file to WAL (the
    /// plugin does not; the mode is stored in the file) and adds the <see cref="LifecycleIndexes"/>. Changes
    /// nothing in a file it refuses. A file of a newer format is refused unless <paramref name="allowNewerFormat"/>.
    /// </summary>
    /// <exception cref="JournalFileException">The file is not usable as a Steadfast journal.</exception>
    /// <exception cref="NewerJournalException">The file was written by a newer Steadfast and that was not allowed.</exception>
    public static void Prepare(string path, bool allowNewerFormat = false)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (File.Exists(full)) CheckExisting(full);
        try
        {
            using var connection = new SqliteConnection(StorageConfig.ConnectionString(full));
            connection.Open();
            CheckFormat(connection, full, allowNewerFormat); // before anything is written
            using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = (string?)wal.ExecuteScalar();
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new JournalFileException($"Could not switch {full} to WAL mode (it reports '{mode}').");
            // Take the write lock once: a read-only file or file system must stop the host here, not at the
            // first start request (whose write would fail and never be acknowledged).
            using var write = connection.CreateCommand();
            write.CommandText = "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS _steadfast_write_check(x); DROP TABLE _steadfast_write_check; COMMIT;";
            write.ExecuteNonQuery();
            MarkFormat(connection);
            LifecycleIndexes.Ensure(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 13) // SQLITE_FULL
        {
            throw new JournalFileException($"The volume of {full} is full ({FreeMegabytes(full)} MB free): the journal cannot take a write. " +
                                           "Free space on it and start again; nothing in the file was changed.", e);
        }
        catch (SqliteException e)
        {
            throw new JournalFileException($"Cannot open {full} as a writable SQLite journal: {e.Message}", e);
        }
    }

    private static int FormatOf(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(read.ExecuteScalar());
    }

    private static void CheckFormat(SqliteConnection connection, string path, bool allowNewerFormat)
    {
        var format = FormatOf(connection);
        if (format > FormatVersion && !allowNewerFormat)
            throw new NewerJournalException($"{path} was written by a newer Steadfast (journal format {format}; this version writes format {FormatVersion}). " +
                "Run that version, or start with --allow-newer-journal (Steadfast:AllowNewerJournal = true): workflows with events this " +
                "version cannot read then stay Faulted and every other workflow runs.");
    }

    // Marks a new or older file; a newer one (allowed) is never marked down: the newer version must still recognise its file.
    private static void MarkFormat(SqliteConnection connection)
    {
        if (FormatOf(connection) >= FormatVersion) return;
        using var mark = connection.CreateCommand();
        mark.CommandText = $"PRAGMA user_version = {FormatVersion}";
        mark.ExecuteNonQuery();
    }

    private static string FreeMegabytes(string path)
    {
        try
        {
            return (new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace / (1024 * 1024)).ToString();
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>True when the file starts with SQLite's header.</summary>
    public static bool HasSqliteHeader(string path)
    {
        var header = new byte[SqliteHeader.Length];
        using var f = File.OpenRead(path);
        return f.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header.AsSpan().SequenceEqual(SqliteHeader);
    }

    private static void CheckExisting(string path)
    {
        if (new FileInfo(path).Length == 0) return; // an empty file is a new database
        if (!HasSqliteHeader(path)) throw new JournalFileException($"{path} is not a SQLite database (wrong header); refusing to touch it.");
        try
        {
            using var connection = new SqliteConnection(ReadOnlyOpen.Shared(path, pooled: false));
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var reader = cmd.ExecuteReader();
            var foreign = new List<string>();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                if (!OurTables.Contains(name)) foreign.Add(name);
            }
            if (foreign.Count > 0)
                throw new JournalFileException($"{path} is a SQLite database of another program (tables: {string.Join(", ", foreign.Take(5))}); refusing to use it as a Steadfast journal.");
            // A truncated or damaged file must stop the host before the plugin writes into it.
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check(1)";
            if (check.ExecuteScalar() is string result && result != "ok")
                throw new JournalFileException($"{path} is corrupt (quick_check: {result}); restore it from the replica (steadfast restore) or move it away.");
        }
        catch (SqliteException e)
        {
            throw new JournalFileException($"{path} is corrupt or unreadable: {e.Message}", e);
        }
    }
}
