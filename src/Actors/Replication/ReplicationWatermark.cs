using System.Collections.Concurrent;

namespace Steadfast.Actors.Replication;

/// <summary>
/// How far the replica holds the journal, measured on the commits themselves: after every journal write the WAL
/// position reached is noted with the time; each position Litestream reports shipped releases the commits it covers.
/// <see cref="Lag"/> is the age of the oldest commit not yet on the replica (zero when caught up, never negative).
/// With <see cref="AcknowledgeAfterReplicated"/>, a journal write completes, and so is acknowledged, only once a
/// replica holds it (RPO 0).
/// </summary>
public sealed class ReplicationWatermark
{
    private static readonly ConcurrentDictionary<string, ReplicationWatermark> ByDatabase = new();
    private readonly object _gate = new();
    private readonly Queue<Pending> _pending = new();
    private readonly TimeProvider _time;
    private WalPosition? _replicated;

    public ReplicationWatermark(string databasePath, bool acknowledgeAfterReplicated, TimeProvider? time = null)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        AcknowledgeAfterReplicated = acknowledgeAfterReplicated;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The journal file.</summary>
    public string DatabasePath { get; }

    /// <summary>Journal writes complete only once a replica holds them.</summary>
    public bool AcknowledgeAfterReplicated { get; }

    /// <summary>The newest position a replica holds, as Litestream reported it.</summary>
    public WalPosition? Replicated
    {
        get
        {
            lock (_gate) return _replicated;
        }
    }

    /// <summary>Commits noted and not yet on a replica.</summary>
    public int PendingCommits
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }

    /// <summary>The age of the oldest commit not yet on a replica; zero when every noted commit is there.</summary>
    public TimeSpan Lag
    {
        get
        {
            lock (_gate) return _pending.TryPeek(out var oldest) ? _time.GetUtcNow() - oldest.At : TimeSpan.Zero;
        }
    }

    /// <summary>Makes this the watermark of its journal for the journal plugin and the router's direct reads.</summary>
    public ReplicationWatermark Register()
    {
        ByDatabase[DatabasePath] = this;
        return this;
    }

    /// <summary>Removes it (the host stopped); commits still waiting fail, so nothing is acknowledged unreplicated.</summary>
    public void Unregister()
    {
        ByDatabase.TryRemove(new KeyValuePair<string, ReplicationWatermark>(DatabasePath, this));
        lock (_gate)
            while (_pending.TryDequeue(out var p))
                p.Replicated?.TrySetException(new ReplicationNotConfirmedException($"The host stopped before a replica confirmed the commit at {p.Position}."));
    }

    /// <summary>The watermark registered for the journal at <paramref name="databasePath"/>, if any.</summary>
    public static ReplicationWatermark? For(string databasePath) => ByDatabase.GetValueOrDefault(Path.GetFullPath(databasePath));

    /// <summary>
    /// Notes the WAL position reached by the commits so far (called after each journal write). Completes at once, or,
    /// when acknowledging after replication, once a replica holds that position; recovery waits the same way before
    /// it reads, so nothing is answered from a commit the replica may not have.
    /// </summary>
    public Task CommittedAsync()
    {
        WalPosition? read;
        try
        {
            read = WalPosition.ReadCommitted(DatabasePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            read = null;
        }
        if (read is not { } position) // no WAL to read now: only the lag figure misses this commit, unless acks wait for it
            return AcknowledgeAfterReplicated
                ? Task.FromException(new ReplicationNotConfirmedException($"The WAL position of a commit to {DatabasePath} could not be read, so no replica can confirm it."))
                : Task.CompletedTask;
        lock (_gate)
        {
            if (_replicated is { } r && position.IsCoveredBy(r)) return Task.CompletedTask;
            // Commits complete on several threads, so positions may be queued slightly out of order: an entry waits at
            // most until the one ahead of it is covered (the lag reads the oldest entry's time, which is close enough).
            var completion = AcknowledgeAfterReplicated ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
            _pending.Enqueue(new Pending(position, _time.GetUtcNow(), completion));
            return completion?.Task ?? Task.CompletedTask;
        }
    }

    /// <summary>Litestream shipped everything up to <paramref name="position"/> to a replica.</summary>
    public void Shipped(WalPosition position)
    {
        List<TaskCompletionSource>? released = null;
        lock (_gate)
        {
            if (_replicated is { } known && !known.IsCoveredBy(position)) return; // an older report, or another replica behind
            _replicated = position;
            while (_pending.TryPeek(out var oldest) && oldest.Position.IsCoveredBy(position))
            {
                _pending.Dequeue();
                if (oldest.Replicated is { } waiting) (released ??= []).Add(waiting);
            }
        }
        if (released is not null) foreach (var r in released) r.TrySetResult();
    }

    private sealed record Pending(WalPosition Position, DateTimeOffset At, TaskCompletionSource? Replicated);
}
