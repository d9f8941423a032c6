using Microsoft.Data.Sqlite;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Reads the whole journals of many workflows in a few range queries, for recovery without the plugin's replay
/// (a query and an Akka.Streams materialization per workflow). Callers make sure nothing writes these ids meanwhile
/// (their actors do not exist yet); each actor still checks the plugin's highest sequence number against the history.
/// An id with an event that cannot be read is reported in <see cref="Read.Unreadable"/> instead, so that it alone is faulted.
/// </summary>
public static class WorkflowHistories
{
    /// <summary>The histories read, and the ids whose history holds an event this version cannot read.</summary>
    public sealed record Read(IReadOnlyDictionary<string, IReadOnlyList<HistoryEvent>> Histories, IReadOnlyDictionary<string, UnreadableEvent> Unreadable)
    {
        /// <summary>Nothing read.</summary>
        public static readonly Read Empty = new(new Dictionary<string, IReadOnlyList<HistoryEvent>>(), new Dictionary<string, UnreadableEvent>());
    }

    /// <summary>The histories of <paramref name="workflowIds"/> in the journal at <paramref name="databasePath"/>, for recovery.</summary>
    public static Task<Read> ReadAsync(string databasePath, IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken = default)
    {
        using var connection = new SqliteConnection(ReadOnlyOpen.Shared(databasePath));
        connection.Open();
        return Task.FromResult(ReadFor(connection, workflowIds, Scope.Recovery, cancellationToken));
    }

    /// <summary>Which rows a read takes: recovery leaves out a workflow with a snapshot; inspection reads every journal row.</summary>
    public enum Scope
    {
        /// <summary>
        /// Leaves out an id with a snapshot (recovery reads the snapshot and the tail, and must know it exists to replace
        /// it later) or with a gap in its sequence numbers: the plugin's own recovery handles those.
        /// </summary>
        Recovery,

        /// <summary>Every journal row of each id (the journal is never truncated: a snapshot only shortens recovery).</summary>
        Inspection,
    }

    /// <summary>
    /// The histories of <paramref name="workflowIds"/> (ids without the <c>workflow-</c> prefix) on an open connection.
    /// An id with no rows is left out. Synchronous: Microsoft.Data.Sqlite runs its "async" calls synchronously anyway.
    /// </summary>
    public static Read ReadFor(SqliteConnection connection, IReadOnlyCollection<string> workflowIds, Scope scope,
        CancellationToken cancellationToken = default)
    {
        var read = new Accumulator();
        var withoutSnapshotted = scope == Scope.Recovery
            ? "AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.persistence_id = journal.persistence_id)"
            : "";
        foreach (var chunk in workflowIds.Chunk(PersistenceIdList.PerQuery))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT persistence_id, sequence_number, manifest, message FROM journal
                WHERE persistence_id IN ({PersistenceIdList.Bind(command, chunk.Select(PersistenceIds.Of))}) AND deleted = 0
                  {withoutSnapshotted}
                ORDER BY persistence_id, sequence_number
                """;
            using var rows = command.ExecuteReader();
            while (rows.Read()) read.Add(rows.GetString(0), rows.GetInt64(1), rows.GetString(2), (byte[])rows.GetValue(3));
        }
        return read.Result();
    }

    /// <summary>
    /// Rows in (persistence id, sequence number) order become histories; an id whose sequence numbers have a gap is left
    /// out (its plugin recovery handles it) and one with an event this version cannot read is reported. Shared by the
    /// providers' reads.
    /// </summary>
    internal sealed class Accumulator
    {
        private readonly Dictionary<string, List<HistoryEvent>> _histories = new();
        private readonly HashSet<string> _gaps = [];
        private readonly Dictionary<string, UnreadableEvent> _unreadable = new();

        public void Add(string persistenceId, long sequenceNr, string manifest, byte[] message)
        {
            var id = PersistenceIds.WorkflowIdOf(persistenceId)!;
            var events = _histories.TryGetValue(id, out var list) ? list : _histories[id] = [];
            if (sequenceNr != events.Count + 1 || _unreadable.ContainsKey(id))
            {
                _gaps.Add(id);
                return;
            }
            if (UnreadableEvent.TryDecode(id, sequenceNr, message, manifest, out var problem) is { } e) events.Add(e);
            else _unreadable[id] = problem!;
        }

        public Read Result() => new(
            _histories.Where(h => h.Value.Count > 0 && !_gaps.Contains(h.Key) && !_unreadable.ContainsKey(h.Key)).ToDictionary(h => h.Key, h => (IReadOnlyList<HistoryEvent>)h.Value),
            _unreadable);
    }
}
