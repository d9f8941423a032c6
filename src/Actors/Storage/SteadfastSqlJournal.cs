using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;
using Microsoft.Data.Sqlite;
using Steadfast.Actors.Replication;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Akka.Persistence.Sql's journal with the highest-sequence-number read batched across actors
/// (<see cref="HighestSequenceNrReader"/>) and each write's WAL position handed to the <see cref="ReplicationWatermark"/>
/// (which, acknowledging after replication, holds the write's completion until a replica has it); writes, replays and
/// everything else are the plugin's own.
/// </summary>
public sealed class SteadfastSqlJournal : SqlWriteJournal
{
    private readonly HighestSequenceNrReader _highest;
    private readonly ConcurrentDictionary<string, Task> _writing = new();
    private readonly string _databasePath;

    public SteadfastSqlJournal(Config journalConfig) : base(journalConfig)
    {
        _databasePath = new SqliteConnectionStringBuilder(journalConfig.GetString("connection-string")).DataSource;
        _highest = new HighestSequenceNrReader(_databasePath);
    }

    /// <inheritdoc />
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        // Like the plugin: an actor restarted after a failed write reads only once that write has ended, either way.
        if (_writing.TryGetValue(persistenceId, out var write))
            await write.ContinueWith(static _ => { }, TaskScheduler.Default);
        var highest = await _highest.ReadAsync(persistenceId).WaitAsync(cancellationToken);
        // Acknowledging after replication: a recovering actor must not answer from commits a replica may not hold
        // (a new id has none: its start waits for its own write instead).
        if (highest > 0 && ReplicationWatermark.For(_databasePath) is { AcknowledgeAfterReplicated: true } watermark)
            await watermark.CommittedAsync().WaitAsync(cancellationToken);
        return highest;
    }

    /// <inheritdoc />
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyList<AtomicWrite> ?? messages.ToList();
        var write = base.WriteMessagesAsync(writes, cancellationToken);
        if (ReplicationWatermark.For(_databasePath) is { } watermark) write = NotedAsync(write, watermark);
        var persistenceId = writes[0].PersistenceId;
        _writing[persistenceId] = write;
        write.ContinueWith(done => _writing.TryRemove(new KeyValuePair<string, Task>(persistenceId, done)), TaskScheduler.Default);
        return write;
    }

    /// <summary>The write, then its WAL position noted for the replication lag (and, acknowledging after replication, awaited).</summary>
    private static async Task<IImmutableList<Exception>> NotedAsync(Task<IImmutableList<Exception>> write, ReplicationWatermark watermark)
    {
        var result = await write;
        await watermark.CommittedAsync();
        return result;
    }
}
