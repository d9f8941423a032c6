namespace Steadfast.Hosting.Replication;

/// <summary>
/// The local journal is not the history the replica holds (empty, unknown, or another generation): replicating it
/// would start a new generation over the replica's history, so the host does not start (exit code 4).
/// </summary>
public sealed class HistoryConflictException(string message) : Exception(message);
