using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The one place that builds read-only connections to a journal. <see cref="Shared"/>: reads beside a writer (host
/// start, bulk recovery, checks before a start), sharing its WAL. <see cref="For"/>: how inspection opens a journal
/// so that it cannot write next to it. SQLite in WAL mode creates <c>-wal</c> and
/// <c>-shm</c> files even for a read-only connection, and fails on a read-only mount or another user's file. So:
/// a journal a process is writing (it holds SQLite's lock in <c>-shm</c>) is read the normal read-only way, sharing
/// that writer's files; a file nobody writes is opened <c>immutable=1</c>, which reads no WAL and writes nothing —
/// unless a crashed writer left commits in its WAL, in which case a private copy of the file and its WAL is read.
/// </summary>
public sealed class ReadOnlyOpen : IDisposable
{
    private const int WalHeaderBytes = 32;
    private readonly string? _scratch;

    private ReadOnlyOpen(string connectionString, string? scratch)
    {
        ConnectionString = connectionString;
        _scratch = scratch;
    }

    /// <summary>The connection string to open.</summary>
    public string ConnectionString { get; }

    /// <summary>A read-only connection string that shares the writer's WAL; <paramref name="pooled"/> for a host's repeated reads.</summary>
    public static string Shared(string databasePath, bool pooled = true) => Builder(databasePath, pooled).ToString();

    /// <summary>How to open <paramref name="path"/> for inspection without writing next to it; dispose to remove a private copy.</summary>
    public static ReadOnlyOpen For(string path)
    {
        var wal = path + "-wal";
        if (WriterHoldsLock(path + "-shm"))
            return new ReadOnlyOpen(Builder(path).ToString(), null);
        if (File.Exists(wal) && new FileInfo(wal).Length > WalHeaderBytes)
        {
            var scratch = Directory.CreateTempSubdirectory("steadfast-inspect-").FullName;
            var copy = Path.Combine(scratch, Path.GetFileName(path));
            File.Copy(path, copy);
            File.Copy(wal, copy + "-wal");
            return new ReadOnlyOpen(Builder(copy).ToString(), scratch);
        }
        // immutable: SQLite assumes nobody changes the file, takes no locks and never looks for a WAL.
        var uri = "file:" + Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";
        return new ReadOnlyOpen(Builder(uri).ToString(), null);
    }

    private static SqliteConnectionStringBuilder Builder(string dataSource, bool pooled = false) =>
        new() { DataSource = dataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = pooled, DefaultTimeout = 30 };

    /// <summary>
    /// True when some process has the journal open through SQLite: every connection to a WAL database holds a
    /// shared lock on the "dead man switch" byte of <c>-shm</c> (offset 128) while open. Asked as an open-file-description
    /// lock, which conflicts with record locks of this process too (plain F_GETLK never reports the caller's own).
    /// </summary>
    private static bool WriterHoldsLock(string shm)
    {
        if (!File.Exists(shm)) return false;
        if (!OperatingSystem.IsLinux()) return true; // no lock probe here: treat it as live, the safe side
        try
        {
            // Not closed: see SharedMemoryFile (this process may have SQLite connections to the file, e.g. a bench).
            if (Actors.Replication.SharedMemoryFile.Handle(shm) is not { } handle) return false;
            var probe = new Flock { Type = FWrLck, Whence = 0, Start = 128, Length = 1 };
            // On a read-only descriptor this is allowed; it reports the first lock that would conflict.
            if (Fcntl((int)handle.DangerousGetHandle(), FOfdGetLk, ref probe) != 0) return true;
            return probe.Type != FUnLck;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Removes the private copy, if one was made.</summary>
    public void Dispose()
    {
        if (_scratch is null) return;
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }

    private const int FOfdGetLk = 36; // Linux ≥ 3.15, all architectures .NET runs on; l_pid must be 0
    private const short FWrLck = 1;
    private const short FUnLck = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int cmd, ref Flock flock);
}
