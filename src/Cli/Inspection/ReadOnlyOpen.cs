using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Steadfast.Cli.Inspection;

/// <summary>
/// How inspection opens a journal so that it cannot write next to it. SQLite in WAL mode creates <c>-wal</c> and
/// <c>-shm</c> files even for a read-only connection, and fails on a read-only mount or another user's file. So:
/// a journal a process is writing (it holds SQLite's lock in <c>-shm</c>) is read the normal read-only way, sharing
/// that writer's files; a file nobody writes is opened <c>immutable=1</c>, which reads no WAL and writes nothing —
/// unless a crashed writer left commits in its WAL, in which case a private copy of the file and its WAL is read.
/// </summary>
internal sealed class ReadOnlyOpen : IDisposable
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

    public static ReadOnlyOpen For(string path)
    {
        var wal = path + "-wal";
        if (WriterHoldsLock(path + "-shm"))
            return new ReadOnlyOpen(Builder(path, SqliteOpenMode.ReadOnly).ToString(), null);
        if (File.Exists(wal) && new FileInfo(wal).Length > WalHeaderBytes)
        {
            var scratch = Directory.CreateTempSubdirectory("steadfast-inspect-").FullName;
            var copy = Path.Combine(scratch, Path.GetFileName(path));
            File.Copy(path, copy);
            File.Copy(wal, copy + "-wal");
            return new ReadOnlyOpen(Builder(copy, SqliteOpenMode.ReadOnly).ToString(), scratch);
        }
        // immutable: SQLite assumes nobody changes the file, takes no locks and never looks for a WAL.
        var uri = "file:" + Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";
        return new ReadOnlyOpen(Builder(uri, SqliteOpenMode.ReadOnly).ToString(), null);
    }

    private static SqliteConnectionStringBuilder Builder(string dataSource, SqliteOpenMode mode) =>
        new() { DataSource = dataSource, Mode = mode, Pooling = false, DefaultTimeout = 30 };

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
