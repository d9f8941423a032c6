using Microsoft.Win32.SafeHandles;

namespace Steadfast.Actors.Replication;

/// <summary>
/// Read access to a journal's <c>-shm</c> file (SQLite's WAL index) from a process that may have SQLite connections
/// to the same journal. Every WAL lock SQLite takes lives in that file as a POSIX record lock, and POSIX drops all of
/// a process's locks on a file when any descriptor of it is closed: a read that opened and closed the file would
/// silently unlock the connections (another process could then rebuild the index under them — seen here as a SIGBUS).
/// So each file is opened once and no descriptor is ever closed; a file SQLite deleted and re-created is opened anew.
/// </summary>
internal static class SharedMemoryFile
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, (SafeFileHandle Handle, long CheckedAt)> Open = new();
    private static readonly List<SafeFileHandle> Retired = []; // referenced forever: a finalizer must not close them

    /// <summary>The descriptor of <paramref name="shmPath"/>, or null when the file does not exist.</summary>
    public static SafeFileHandle? Handle(string shmPath)
    {
        lock (Gate)
        {
            var now = Environment.TickCount64;
            if (Open.TryGetValue(shmPath, out var known))
            {
                if (now - known.CheckedAt < 1000) return known.Handle; // a re-created file is noticed within a second
                if (!IsDeleted(known.Handle))
                {
                    Open[shmPath] = (known.Handle, now);
                    return known.Handle;
                }
            }
            try
            {
                var fresh = File.OpenHandle(shmPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                Retired.Add(fresh);
                Open[shmPath] = (fresh, now);
                return fresh;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
        }
    }

    // Linux names an open descriptor of an unlinked file "<path> (deleted)".
    private static bool IsDeleted(SafeFileHandle handle) =>
        OperatingSystem.IsLinux() &&
        File.ResolveLinkTarget($"/proc/self/fd/{handle.DangerousGetHandle()}", returnFinalTarget: false) is { } target &&
        target.FullName.EndsWith(" (deleted)", StringComparison.Ordinal);
}
