using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Steadfast.Hosting.Replication;

/// <summary>
/// One <c>litestream replicate</c> process for many journals (a host's tenants), instead of one process each: a
/// Litestream process holds about 25-30 MB and runs its own monitor loop, so a hundred tenants cost 2.8 GB and two cores'
/// worth of polling (bench --workload tenants). Litestream 0.3.13 does not reload its config: a journal joining or
/// leaving restarts the process (debounced), and its SIGTERM ships every journal's last frames first. Each log line
/// goes to the host's log once, and to the journal it names (<c>db=…</c>) for its shipped positions.
/// </summary>
public sealed partial class SharedLitestream(string binary, string configPath, ILogger log) : IAsyncDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(10);
    private long _changes;
    private bool _closing;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, (ReplicationOptions Options, Action<string> OnLine)> _journals = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _processStopped = Completed();
    private Task? _loop;

    /// <summary>The rendered config of all journals registered now.</summary>
    public string ConfigPath => configPath;

    /// <summary>Replicates <paramref name="databasePath"/> from the next (re)start of the process on; its log lines go to <paramref name="onLine"/>.</summary>
    public void Register(string databasePath, ReplicationOptions options, Action<string> onLine)
    {
        lock (_journals)
        {
            _journals[databasePath] = (options, onLine);
            _loop ??= Task.Run(RunAsync);
            _changes++;
            _changed.TrySetResult();
        }
    }

    /// <summary>Stops replicating <paramref name="databasePath"/>; completes once the process that had it has stopped (its last frames shipped).</summary>
    public Task UnregisterAsync(string databasePath)
    {
        lock (_journals)
        {
            if (!_journals.Remove(databasePath) || _closing) return Task.CompletedTask; // closing: one SIGTERM for all, at DisposeAsync
            _changes++;
            _changed.TrySetResult();
            return _processStopped.Task;
        }
    }

    private async Task RunAsync()
    {
        await LitestreamProcesses.StopLeftoversAsync(configPath, log, CancellationToken.None); // a host killed with SIGKILL leaves its Litestream running
        var backoff = TimeSpan.FromSeconds(1);
        var stopped = Task.Delay(Timeout.Infinite, _stopping.Token);
        while (!_stopping.IsCancellationRequested)
        {
            Task changed;
            lock (_journals) changed = _journals.Count == 0 ? _changed.Task : Task.CompletedTask;
            await Task.WhenAny(changed, stopped); // nothing to replicate: wait for a journal
            if (_stopping.IsCancellationRequested) break;
            await SettledAsync(stopped); // joins and leaves come in bursts (a host starting its tenants): one restart for all
            List<KeyValuePair<string, (ReplicationOptions Options, Action<string> OnLine)>> journals;
            lock (_journals)
            {
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed = _changed.Task;
                journals = _journals.ToList();
                _processStopped = journals.Count == 0 ? Completed() : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            if (journals.Count == 0 || _stopping.IsCancellationRequested) continue;
            WriteConfig(LitestreamConfig.Render(journals.Select(j => (j.Key, j.Value.Options))));
            var routes = journals.ToDictionary(j => j.Key, j => j.Value.OnLine);
            using var child = LitestreamProcess.Start(binary, ["replicate", "-config", configPath], line => Route(line, routes));
            var startedAt = DateTime.UtcNow;
            log.Started(child.Pid);
            if (await Task.WhenAny(child.Exited, changed, stopped) == child.Exited)
            {
                _processStopped.TrySetResult();
                if (DateTime.UtcNow - startedAt > TimeSpan.FromMinutes(1)) backoff = TimeSpan.FromSeconds(1);
                log.ExitedUnexpectedly(child.Pid, child.Exited.Result, backoff);
                await Task.WhenAny(Task.Delay(backoff), stopped);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                lock (_journals) _changed.TrySetResult(); // start again with whatever is registered
                continue;
            }
            await child.StopAsync(TimeSpan.FromSeconds(15)); // SIGTERM: Litestream ships what every journal has, then exits
            var code = child.Exited.IsCompletedSuccessfully ? child.Exited.Result : -1;
            if (code == 0) log.Stopped(child.Pid);
            else log.StoppedWithError(child.Pid, code);
            _processStopped.TrySetResult();
        }
    }

    /// <summary>Until no journal joined or left for <see cref="Settle"/> (at most <see cref="MaxSettle"/>).</summary>
    private async Task SettledAsync(Task stopped)
    {
        for (var deadline = DateTime.UtcNow + MaxSettle; DateTime.UtcNow < deadline && !_stopping.IsCancellationRequested;)
        {
            long before;
            lock (_journals) before = _changes;
            await Task.WhenAny(Task.Delay(Settle), stopped);
            lock (_journals)
                if (_changes == before) return;
        }
    }

    private void Route(string line, Dictionary<string, Action<string>> routes)
    {
        LitestreamProcess.Forward(log, line);
        if (DatabaseOf().Match(line) is { Success: true } db && routes.TryGetValue(db.Groups[1].Value, out var onLine)) onLine(line);
    }

    // Replaced whole, never truncated in place: a restore or status command of a tenant may not be reading it, but
    // Litestream itself reads it at each start.
    private void WriteConfig(string yaml)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(configPath)!);
        var temp = configPath + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, yaml);
        File.Move(temp, configPath, overwrite: true);
    }

    /// <summary>The host is stopping: journals leaving from now on do not restart the process; <see cref="DisposeAsync"/> stops it once for all.</summary>
    public void Close()
    {
        lock (_journals) _closing = true;
    }

    /// <summary>Stops the process (every journal's last frames shipped) and the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        if (_loop is { } loop) await loop;
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    [GeneratedRegex(@"\bdb=(\S+)")]
    private static partial Regex DatabaseOf();
}
