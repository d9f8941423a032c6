using System.Runtime.InteropServices;

namespace Steadfast.EndToEnd.Tests;

/// <summary>POSIX signals to processes the tests started (by PID).</summary>
internal static class Signals
{
    public const int Sigkill = 9;
    public const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);

    /// <summary>Pids of running processes whose command line has all of <paramref name="parts"/>.</summary>
    public static List<int> FindProcesses(params string[] parts)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (parts.All(args.Contains)) pids.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }
}
