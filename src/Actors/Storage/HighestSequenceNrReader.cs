using Microsoft.Data.Sqlite;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Reads the highest journal sequence number of many persistence ids with one query. Every persistent actor asks
/// for its own when it starts, even a brand-new workflow; through the plugin that is a connection, a transaction
/// and a freshly built query each (docs/performance.md, session 3). Requests that arrive while a read runs wait for the next one,
/// which answers all of them from the (persistence_id, sequence_number) primary key.
/// </summary>
internal sealed class HighestSequenceNrReader(string databasePath)
{
    private readonly string _connectionString = ReadOnlyOpen.Shared(databasePath);
    private readonly Lock _gate = new();
    private List<(string PersistenceId, TaskCompletionSource<long> Result)> _waiting = [];
    private bool _reading;

    public Task<long> ReadAsync(string persistenceId)
    {
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiting.Add((persistenceId, result));
            if (_reading) return result.Task;
            _reading = true;
        }
        _ = Task.Run(ReadWhileWaiting);
        return result.Task;
    }

    private void ReadWhileWaiting()
    {
        while (true)
        {
            List<(string PersistenceId, TaskCompletionSource<long> Result)> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _reading = false;
                    return;
                }
                (batch, _waiting) = (_waiting, []);
            }
            try
            {
                var highest = Read(batch.Select(w => w.PersistenceId).Distinct().ToList());
                foreach (var (id, result) in batch) result.TrySetResult(highest.GetValueOrDefault(id));
            }
            catch (Exception e)
            {
                foreach (var (_, result) in batch) result.TrySetException(e);
            }
        }
    }

    private Dictionary<string, long> Read(List<string> persistenceIds)
    {
        var highest = new Dictionary<string, long>(persistenceIds.Count);
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        foreach (var chunk in persistenceIds.Chunk(PersistenceIdList.PerQuery))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT persistence_id, MAX(sequence_number) FROM journal
                WHERE persistence_id IN ({PersistenceIdList.Bind(command, chunk)})
                GROUP BY persistence_id
                """;
            using var rows = command.ExecuteReader();
            while (rows.Read()) highest[rows.GetString(0)] = rows.GetInt64(1);
        }
        return highest;
    }
}
