namespace Steadfast.Hosting.Replication;

/// <summary>What the host does at start when the local journal is not the history the replica holds.</summary>
public enum WhenLocalDiffers
{
    /// <summary>Refuse to start (exit code 4), naming both. The default: history is never replaced by accident.</summary>
    Refuse,
    /// <summary>Move the local journal aside (<c>steadfast.db.replaced-{UTC time}</c>) and restore the replica's newest generation.</summary>
    RestoreFromReplica,
    /// <summary>Keep the local journal; Litestream starts a new generation and the replica's older history ages out with its retention.</summary>
    DiscardReplicaHistory,
}
