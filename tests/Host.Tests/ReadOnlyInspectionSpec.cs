using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Steadfast.Host.Tests;

/// <summary>
/// Inspection never writes: not the file, not beside it (no -wal/-shm), and it works on a read-only folder — an
/// observer's pulled copies and other users' files are exactly such files. The real executable, a real journal.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyInspectionSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-readonly", Guid.NewGuid().ToString("N"));

    public ReadOnlyInspectionSpec() => Directory.CreateDirectory(_dir);

    [Fact]
    public void Every_command_should_leave_a_read_only_folder_exactly_as_it_was()
    {
        var db = Path.Combine(_dir, "agents.db");
        File.Copy(Cli.Fixture("agents.db"), db);
        using (var c = Open(db)) Execute(c, "PRAGMA journal_mode = WAL"); // as every journal, copy and restore is
        Assert.False(File.Exists(db + "-wal"), "a clean close leaves no WAL");
        ReadOnly(db);
        var before = Snapshot();

        foreach (var command in Commands(db))
        {
            var (code, _, error) = Cli.Run(command);
            Assert.True(code == 0, $"{string.Join(' ', command)} → {code}: {error}");
            Assert.Equal(before, Snapshot());
        }
    }

    [Fact]
    public void Commits_a_crashed_writer_left_in_its_WAL_should_be_read_without_writing_beside_the_file()
    {
        var db = Path.Combine(_dir, "crashed.db");
        CrashCopyWithOneWorkflowDeletedInTheWal(db);
        ReadOnly(db);
        var before = Snapshot();

        var list = JsonDocument.Parse(Cli.Run("list", "--db", db, "--json").Out).RootElement;
        var (code, _, error) = Cli.Run("history", "agent-1", "--db", db);

        Assert.Equal(3, list.GetArrayLength()); // the WAL's delete was read, not ignored
        Assert.True(code == 14, error);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void A_journal_a_process_has_open_should_be_read_through_that_writer()
    {
        var db = Path.Combine(_dir, "live.db");
        File.Copy(Cli.Fixture("agents.db"), db);
        using var writer = Open(db);
        Execute(writer, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; DELETE FROM journal WHERE persistence_id = 'workflow-agent-2'");

        var (code, output, error) = Cli.Run("list", "--db", db, "--json");

        Assert.True(code == 0, error);
        Assert.Equal(3, JsonDocument.Parse(output).RootElement.GetArrayLength());
    }

    private static IEnumerable<string[]> Commands(string db) =>
    [
        ["list", "--db", db], ["list", "--db", db, "--json", "--status", "Completed"],
        ["history", "agent-4", "--db", db], ["history", "agent-4", "--db", db, "--json"],
        ["show", "agent-4", "--db", db], ["show", "agent-4", "--db", db, "--json"],
        ["replay", "agent-4", "--db", db, "--workflows", Cli.Executable],
    ];

    /// <summary>What a kill -9 leaves: the main file plus a WAL with a committed, un-checkpointed transaction.</summary>
    private void CrashCopyWithOneWorkflowDeletedInTheWal(string target)
    {
        var source = Path.Combine(_dir, "source", "agents.db");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        File.Copy(Cli.Fixture("agents.db"), source);
        using var writer = Open(source);
        Execute(writer, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; DELETE FROM journal WHERE persistence_id = 'workflow-agent-1'");
        File.Copy(source, target);
        File.Copy(source + "-wal", target + "-wal");
        File.Copy(source + "-shm", target + "-shm");
        Assert.True(new FileInfo(target + "-wal").Length > 32, "the WAL should hold the delete");
    }

    private static SqliteConnection Open(string db)
    {
        var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        return c;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void ReadOnly(string db)
    {
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(db)!)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(Path.GetDirectoryName(db)!, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
    }

    /// <summary>The folder's files with their sizes and hashes (read-only folders stop writes for non-root users; this catches them for root).</summary>
    private string Snapshot() => string.Join("\n", Directory.GetFiles(_dir).Order()
        .Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
