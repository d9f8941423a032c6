using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Actors.Replication;
using Steadfast.Actors.Storage;

namespace Steadfast.Hosting.Replication;

/// <summary>
/// Owns the journal file before and after Akka: restores it from the replica when it is missing, prepares it
/// (WAL), runs <c>litestream replicate</c> as a child process with its log forwarded, restarts it with backoff
/// when it dies, checks the lag, and on shutdown (after Akka has stopped: it is registered before Akka) stops
/// Litestream with SIGTERM so that it ships the last frames.
/// </summary>
public sealed class LitestreamSupervisor(SteadfastOptions options, ILogger<LitestreamSupervisor> log) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private Litestream? _litestream;
    private ReplicationWatermark? _watermark;
    private ShippedPositions? _shipped;

    /// <summary>
    /// The process that replicates this journal together with others (a host's tenants), or null for a process of its
    /// own. Restore, checks, preparation, lag and status stay this journal's own either way.
    /// </summary>
    internal SharedLitestream? Shared { get; init; }

    /// <summary>The age of the oldest commit not yet on a replica (zero when caught up); null when replication is off.</summary>
    public TimeSpan? Lag => _watermark?.Lag;

    /// <summary>Restores and prepares the journal before Akka starts, then starts replication.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var replication = options.Replication;
        if (options.Storage.IsPostgreSql) // no file to restore, prepare or replicate
        {
            if (replication.Enabled) log.OffOnPostgreSql();
            return;
        }
        if (!replication.Enabled)
        {
            log.ReplicationOff(options.DatabasePath);
            JournalFile.Prepare(options.DatabasePath, options.AllowNewerJournal);
            return;
        }
        _litestream = Litestream.For(options);
        if (File.Exists(options.DatabasePath)) await CheckLocalJournalAsync(_litestream, cancellationToken);
        if (!File.Exists(options.DatabasePath))
        {
            try
            {
                var restored = await _litestream.RestoreAsync(output: null, cancellationToken);
                if (restored is null) log.NoReplicaYet(options.DatabasePath);
                else log.Restored(options.DatabasePath, restored);
            }
            catch (ReplicationException e) when (replication.StartEmptyIfReplicaUnreachable)
            {
                log.StartingEmpty(e.Message);
            }
            catch (ReplicationException e)
            {
                _litestream.RemoveConfig(); // nothing was started: leave the folder as it was
                throw new ReplicationException(e.Message + " The journal is missing and was not restored, so the host does not start; " +
                                               "fix the replica settings, or set Steadfast:Replication:StartEmptyIfReplicaUnreachable to start empty.");
            }
        }
        JournalFile.Prepare(options.DatabasePath, options.AllowNewerJournal);
        // A host killed with SIGKILL leaves its Litestream running; two replicating one file would fight. (A shared
        // process's leftover is stopped by SharedLitestream.)
        if (Shared is null) await LitestreamProcesses.StopLeftoversAsync(_litestream.ConfigPath, log, cancellationToken);
        _watermark = new ReplicationWatermark(options.DatabasePath, replication.AcknowledgeAfterReplicated).Register();
        _shipped = new ShippedPositions(options.DatabasePath);
        log.Replicating(options.DatabasePath,
            string.Join(", ", replication.Replicas.Select(r => $"{r.DisplayName} ({r.Type})")), _litestream.ConfigPath,
            replication.AcknowledgeAfterReplicated ? "; acknowledging only what a replica holds (RPO 0)" : "");
        // The replication loop lives until StopAsync, not until the start's token fires (the CLI passes its Ctrl+C token:
        // Litestream must outlive Akka's drain and ship the last frames).
        await base.StartAsync(CancellationToken.None);
    }

    /// <summary>An existing journal must be the replica's history, or the configured way on is taken (see <see cref="WhenLocalDiffers"/>).</summary>
    private async Task CheckLocalJournalAsync(Litestream litestream, CancellationToken cancellationToken)
    {
        IReadOnlyList<ReplicaStatus> replicas;
        try
        {
            replicas = await litestream.StatusAsync(cancellationToken);
        }
        catch (ReplicationException e)
        {
            log.CouldNotCompare(options.DatabasePath, e.Message);
            return;
        }
        if (replicas.Count == 0)
        {
            log.NoGenerationYet(options.DatabasePath);
            return;
        }
        if (LocalJournalCheck.Difference(options.DatabasePath, replicas) is not { } difference)
        {
            log.SameHistory(options.DatabasePath, replicas.MaxBy(r => r.LastSync)!.Generation);
            return;
        }
        switch (options.Replication.WhenLocalDiffers)
        {
            case WhenLocalDiffers.RestoreFromReplica:
                var aside = LocalJournalCheck.MoveAside(options.DatabasePath);
                log.MovedAside(difference, aside);
                break; // the restore below finds the journal missing
            case WhenLocalDiffers.DiscardReplicaHistory:
                log.DiscardingReplicaHistory(difference);
                break;
            default:
                throw new HistoryConflictException(difference + " To restore the replica's history, start with --restore-from-replica " +
                    "(Steadfast:Replication:WhenLocalDiffers = RestoreFromReplica; the local file is moved aside); to replace it with this file, " +
                    "--discard-replica-history (DiscardReplicaHistory).");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Shared is { } shared)
        {
            await ReplicateSharedAsync(shared, stoppingToken);
            return;
        }
        var litestream = _litestream!;
        var backoff = TimeSpan.FromSeconds(1);
        var statusLoop = CheckStatusAsync(litestream, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            LitestreamProcess? current = null;
            var shippedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var child = current = LitestreamProcess.Start(litestream.Binary, litestream.ReplicateArgs, line =>
            {
                LitestreamProcess.Forward(log, line);
                NoteShipped(line, shippedOnce);
                // Litestream 0.3.13 logs this and then idles without replicating: make it a restart instead.
                if (line.Contains("msg=\"no databases specified in configuration\"", StringComparison.Ordinal)) current?.Kill();
            });
            var startedAt = DateTime.UtcNow;
            log.Started(child.Pid);
            try
            {
                var code = await child.Exited.WaitAsync(stoppingToken);
                if (DateTime.UtcNow - startedAt > TimeSpan.FromMinutes(1)) backoff = TimeSpan.FromSeconds(1);
                log.ExitedUnexpectedly(child.Pid, code, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await LetItShipOnceAsync(shippedOnce.Task, child.Pid);
                await child.StopAsync(TimeSpan.FromSeconds(15));
                var code = child.Exited.IsCompletedSuccessfully ? child.Exited.Result : -1;
                if (code == 0) log.Stopped(child.Pid);
                else log.StoppedWithError(child.Pid, code);
            }
        }
        await statusLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        _watermark?.Unregister(); // after Litestream's last frames: what no replica confirmed is never acknowledged
        ReplicationStatusFile.Delete(options.DatabasePath);
    }

    /// <summary>
    /// This journal's part of a shared process: its shipped positions from the lines that name it, then at stop its last
    /// frames (as a process of its own would: waiting for a first sync when something is at stake) before it leaves.
    /// </summary>
    private async Task ReplicateSharedAsync(SharedLitestream shared, CancellationToken stoppingToken)
    {
        var shippedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shared.Register(options.DatabasePath, options.Replication, line => NoteShipped(line, shippedOnce));
        var statusLoop = CheckStatusAsync(_litestream!, stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            await LetItShipOnceAsync(shippedOnce.Task, pid: 0);
        }
        await shared.UnregisterAsync(options.DatabasePath).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None)
            .ContinueWith(_ => { }, TaskScheduler.Default); // the process restarts without it; its SIGTERM shipped the last frames
        await statusLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        _watermark?.Unregister();
        ReplicationStatusFile.Delete(options.DatabasePath);
    }

    /// <summary>From a Litestream log line about this journal: that something was shipped, and the position a replica now holds.</summary>
    private void NoteShipped(string line, TaskCompletionSource shippedOnce)
    {
        if (line.Contains("msg=\"wal segment written\"", StringComparison.Ordinal) || line.Contains("msg=\"snapshot written\"", StringComparison.Ordinal))
            shippedOnce.TrySetResult();
        try
        {
            if (_shipped!.FromLogLine(line) is { } shipped) _watermark!.Shipped(shipped);
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or UnauthorizedAccessException)
        {
            log.UnreadableShippedPosition(e.Message);
        }
    }

    /// <summary>
    /// At stop: a Litestream stopped before its first sync ships nothing at all, not even its last frames, and leaves no
    /// generation record, so the next start would not know the journal as the replica's history. When something is at
    /// stake (no generation record yet, or commits no replica holds), let it sync once first.
    /// </summary>
    private async Task LetItShipOnceAsync(Task shippedOnce, int pid)
    {
        var firstSync = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks,
            (2 * (options.Replication.MonitorInterval + options.Replication.SyncInterval) + TimeSpan.FromSeconds(5)).Ticks));
        var generationRecord = Litestream.GenerationRecord(options.DatabasePath);
        try
        {
            if (!File.Exists(generationRecord) || _watermark!.PendingCommits > 0) await shippedOnce.WaitAsync(firstSync, CancellationToken.None); // stopping: the token is already cancelled
        }
        catch (TimeoutException)
        {
            log.ShippedNothing(pid, firstSync);
        }
    }

    private async Task CheckStatusAsync(Litestream litestream, CancellationToken stoppingToken)
    {
        var lag = WatchLagAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Replication.StatusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if ((await litestream.StatusAsync(stoppingToken)).Count == 0) log.StillNoGeneration(litestream.DatabasePath);
                }
                catch (ReplicationException e)
                {
                    log.StatusUnavailable(e.Message);
                }
            }
        }
        finally
        {
            await lag;
        }
    }

    /// <summary>
    /// Every second: the lag (age of the oldest commit no replica holds) into the status file that
    /// <c>steadfast replication status</c> reads, and a warning while it is above <c>LagWarning</c> (once a minute).
    /// </summary>
    private async Task WatchLagAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var warnedAt = DateTime.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var watermark = _watermark!;
                try
                {
                    ReplicationStatusFile.Write(options.DatabasePath, new ReplicationStatusFile.Content(DateTimeOffset.UtcNow, Environment.ProcessId,
                        (long)watermark.Lag.TotalMilliseconds, watermark.PendingCommits, watermark.Replicated?.ToString(), watermark.AcknowledgeAfterReplicated));
                }
                catch (IOException)
                {
                    // a full disk: the figure is still logged below, and the file is written again once there is room
                }
                if (watermark.Lag <= options.Replication.LagWarning || DateTime.UtcNow - warnedAt < TimeSpan.FromMinutes(1)) continue;
                warnedAt = DateTime.UtcNow;
                log.Lagging(watermark.Lag, watermark.PendingCommits, watermark.Replicated?.ToString() ?? "nothing yet");
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
