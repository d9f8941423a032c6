using System.Diagnostics;

namespace Steadfast.EndToEnd.Tests;

/// <summary>Disk faults under a running host: the data folder removed, and a full disk (a tiny tmpfs, as root).</summary>
public sealed class DiskFaultSpec : IDisposable
{
    private readonly List<string> _mounts = [];
    private readonly List<IDisposable> _cleanup = [];

    [Fact]
    public async Task Removed_data_folder_should_stop_the_host_loudly_and_the_replica_should_bring_everything_back()
    {
        var replica = Path.Combine(Path.GetTempPath(), "steadfast-disk", Guid.NewGuid().ToString("N"), "replica");
        var drill = Track(new ReplicationDrill(new { Type = "file", Name = "local", Path = replica }));
        using (var host = drill.Host(30, run: 1, serve: true, stepMs: "300:900"))
        {
            await Journal.Until(() => Journal.StepsCompleted(drill.Db) >= 20, TimeSpan.FromSeconds(60), () => host.Output);
            await Task.Delay(500); // let Litestream ship what is committed
            DeleteUnderRunningHost(drill.DataDir);

            Assert.True(host.WaitForExit(TimeSpan.FromSeconds(30)), "the host kept running on a deleted journal:\n" + host.Output);
            Assert.Equal(5, host.ExitCode);
            Assert.Contains("was removed while the host runs", host.Output);
        }

        using (var again = drill.Host(30, run: 2))
        {
            Assert.True(again.WaitForExit(TimeSpan.FromMinutes(2)), again.Output);
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Contains("from the replica", again.Output);
        }
        Assert.Equal(30, Journal.Results(drill.Db).Count(r => r.Result == r.Input + 3));
        Assert.Equal("ok", Journal.IntegrityCheck(drill.Db));
    }

    /// <summary>The host and its Litestream keep creating files in the folder while it is removed: try again until it is gone.</summary>
    private static void DeleteUnderRunningHost(string folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 10 && Directory.Exists(folder))
            {
            }
        }
    }

    [Fact]
    public async Task Full_disk_should_stop_progress_without_corruption_and_resume_when_space_returns()
    {
        var dir = Path.Combine(Path.GetTempPath(), "steadfast-full", Guid.NewGuid().ToString("N"));
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        Mount(data, "8m");
        using var host = HostProcess.StartTestHost("--data", data, "--ledger", Path.Combine(dir, "ledger.txt"), "--workflows", "60",
            "--run", "1", "--step-ms", "100:300", "--serve");
        var db = Path.Combine(data, "steadfast.db");
        await Journal.Until(() => Journal.StepsCompleted(db) >= 10, TimeSpan.FromSeconds(60), () => host.Output);

        // Fill the disk to the last few KiB: journal writes now fail with "database or disk is full".
        var filler = Path.Combine(data, "filler");
        Run("dd", "if=/dev/zero", $"of={filler}", "bs=4k", "status=none");
        await Journal.Until(() => host.Output.Contains("disk is full", StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(60), () => host.Output);
        Assert.False(host.HasExited, "the host died on a full disk:\n" + host.Output);
        Assert.Equal("ok", Journal.IntegrityCheck(db));
        var journaledWhenFull = Journal.CompletedKeys(db);
        var ledgerWhenFull = Ledger.Lines(Path.Combine(dir, "ledger.txt")).Length;

        File.Delete(filler); // the fault is lifted
        await Journal.Until(() => Journal.WorkflowsCompleted(db) == 60, TimeSpan.FromSeconds(120), () => host.Output);
        Assert.Equal(60, Journal.Results(db).Count(r => r.Result == r.Input + 3));
        Ledger.AssertNotRerun(Path.Combine(dir, "ledger.txt"), journaledWhenFull, ledgerWhenFull); // a journaled result never ran again
        Assert.Equal("ok", Journal.IntegrityCheck(db));
        Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Read_only_journal_should_stop_the_host_at_start_with_a_clear_error()
    {
        // As root, file modes do not stop writes, and a file system with files open for writing cannot be
        // remounted read-only; so the fault is a read-only file system that already holds the journal.
        var dir = Path.Combine(Path.GetTempPath(), "steadfast-ro", Guid.NewGuid().ToString("N"));
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        Mount(data, "16m");
        using (var first = HostProcess.StartTestHost("--data", data, "--ledger", Path.Combine(dir, "ledger.txt"), "--workflows", "3", "--run", "1"))
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(60)) && first.ExitCode == 0, first.Output);
        Run("mount", "-o", "remount,ro", data);

        using var host = HostProcess.StartTestHost("--data", data, "--ledger", Path.Combine(dir, "ledger.txt"), "--workflows", "3", "--run", "2");

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), host.Output);
        Assert.NotEqual(0, host.ExitCode);
        Assert.Contains("as a writable SQLite journal", host.Output);
        Assert.Contains("readonly", host.Output, StringComparison.OrdinalIgnoreCase);
        Run("mount", "-o", "remount,rw", data);
        Assert.Equal("ok", Journal.IntegrityCheck(Path.Combine(data, "steadfast.db")));
        Assert.Equal(3, Journal.WorkflowsCompleted(Path.Combine(data, "steadfast.db")));
    }

    private T Track<T>(T disposable) where T : IDisposable
    {
        _cleanup.Add(disposable);
        return disposable;
    }

    private void Mount(string path, string size)
    {
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        _mounts.Add(path);
    }

    private static void Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        if (p.ExitCode != 0 && program != "dd") // dd stops with "No space left" by design
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {p.StandardError.ReadToEnd()} (the disk-full test needs root to mount a tmpfs)");
    }

    public void Dispose()
    {
        foreach (var mount in _mounts)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Run("umount", "-l", mount); } catch (InvalidOperationException) { }
        }
        foreach (var d in _cleanup) d.Dispose();
    }
}
