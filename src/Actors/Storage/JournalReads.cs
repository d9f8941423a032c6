using Steadfast.Actors.Replication;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The reads the router runs on the journal file directly, beside the plugin: the workflows to resume at start,
/// and the histories of dormant workflows woken together.
/// </summary>
public sealed record JournalReads(
    Func<Task<UnfinishedWorkflows.Found>> FindUnfinished,
    Func<IReadOnlyCollection<string>, Task<WorkflowHistories.Read>> ReadHistories)
{
    /// <summary>
    /// The reads of the SQLite journal at <paramref name="databasePath"/>, on the thread pool: Microsoft.Data.Sqlite
    /// runs "async" calls synchronously, which would block the router actor for the length of the read.
    /// </summary>
    public static JournalReads ForFile(string databasePath) =>
        new(() => Task.Run(async () =>
            {
                await ReplicatedFirst(databasePath);
                return await UnfinishedWorkflows.FindAsync(databasePath);
            }),
            ids => Task.Run(async () =>
            {
                await ReplicatedFirst(databasePath);
                return await WorkflowHistories.ReadAsync(databasePath, ids);
            }));

    // Acknowledging after replication: what these reads return is answered to callers, so a replica must hold it first;
    // bounded like a journal call, so that a replica that cannot be reached fails the read (and its callers get an answer).
    private static Task ReplicatedFirst(string databasePath) =>
        ReplicationWatermark.For(databasePath) is { AcknowledgeAfterReplicated: true } watermark
            ? watermark.CommittedAsync().WaitAsync(TimeSpan.FromSeconds(10))
            : Task.CompletedTask;
}
