using System.Data.Common;
using LinqToDB.Interceptors;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Sets SQLite's own busy timeout on every connection the persistence plugin opens. Without it a write that
/// meets another writer gets SQLITE_BUSY and Microsoft.Data.Sqlite retries after a fixed 150 ms sleep, which set
/// the p99 latency; SQLite's own busy handler waits in short steps (docs/performance.md).
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : ConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds};";

    /// <inheritdoc />
    public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
