using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;
using Microsoft.Data.Sqlite;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Akka.Persistence.Sql's journal with the highest-sequence-number read batched across actors
/// (<see cref="HighestSequenceNrReader"/>); writes, replays and everything else are the plugin's own.
/// </summary>
public sealed class SteadfastSqlJournal : SqlWriteJournal
{
    private readonly HighestSequenceNrReader _highest;
    private readonly ConcurrentDictionary<string, Task> _writing = new();

    public SteadfastSqlJournal(Config journalConfig) : base(journalConfig) =>
        _highest = new HighestSequenceNrReader(new SqliteConnectionStringBuilder(journalConfig.GetString("connection-string")).DataSource);

    /// <inheritdoc />
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        // Like the plugin: an actor restarted after a failed write reads only once that write has ended, either way.
        if (_writing.TryGetValue(persistenceId, out var write))
            await write.ContinueWith(static _ => { }, TaskScheduler.Default);
        return await _highest.ReadAsync(persistenceId).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyList<AtomicWrite> ?? messages.ToList();
        var write = base.WriteMessagesAsync(writes, cancellationToken);
        var persistenceId = writes[0].PersistenceId;
        _writing[persistenceId] = write;
        write.ContinueWith(done => _writing.TryRemove(new KeyValuePair<string, Task>(persistenceId, done)), TaskScheduler.Default);
        return write;
    }
}
