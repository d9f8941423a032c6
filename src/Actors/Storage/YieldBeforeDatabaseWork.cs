using System.Data.Common;
using LinqToDB.Interceptors;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Makes the persistence plugin's database work asynchronous. Microsoft.Data.Sqlite completes its "async" calls
/// synchronously, so the plugin's write stream ran each write inline in its stream stage: no write ever queued
/// behind another, and every atomic write became its own transaction (4 commits per 3-activity workflow).
/// Yielding once when a connection opens hands the write to the thread pool; the writes that arrive meanwhile
/// queue in the plugin's stream and go out together as the next batch, one transaction and one fsync.
/// </summary>
public sealed class YieldBeforeDatabaseWork : ConnectionInterceptor
{
    /// <inheritdoc />
    public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken) =>
        await Task.Yield();
}
