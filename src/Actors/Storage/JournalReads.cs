namespace Steadfast.Actors.Storage;

/// <summary>
/// The reads the registry runs on the journal file directly, beside the plugin: the workflows to resume at start,
/// and the histories of dormant workflows woken together.
/// </summary>
public sealed record JournalReads(
    Func<Task<UnfinishedWorkflows.Found>> FindUnfinished,
    Func<IReadOnlyCollection<string>, Task<WorkflowHistories.Read>> ReadHistories)
{
    /// <summary>
    /// The reads of the SQLite journal at <paramref name="databasePath"/>, on the thread pool: Microsoft.Data.Sqlite
    /// runs "async" calls synchronously, which would block the registry actor for the length of the read.
    /// </summary>
    public static JournalReads ForFile(string databasePath) =>
        new(() => Task.Run(() => UnfinishedWorkflows.FindAsync(databasePath)), ids => Task.Run(() => WorkflowHistories.ReadAsync(databasePath, ids)));
}
