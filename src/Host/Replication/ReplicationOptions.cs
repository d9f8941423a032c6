namespace Steadfast.Hosting.Replication;

/// <summary>Litestream replication of the journal file, section <c>Steadfast:Replication</c>.</summary>
public sealed class ReplicationOptions
{
    /// <summary>Replicate with Litestream. Default false; the shipped config/steadfast.json turns it on with a file replica.</summary>
    public bool Enabled { get; set; }

    /// <summary>The Litestream binary. Default: <c>STEADFAST_LITESTREAM</c>, then <c>litestream</c> on PATH, then tools/litestream/litestream.</summary>
    public string? LitestreamPath { get; set; }

    /// <summary>How often Litestream checks the database for new WAL frames (its <c>monitor-interval</c>). Default 1 s.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often new frames are shipped to each replica (its <c>sync-interval</c>). Default 1 s.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a full snapshot is written to each replica. Default 24 h (Litestream snapshots at each new generation anyway).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long old snapshots and WAL are kept in replicas. Default 72 h.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Start with an empty journal when the local file is missing and no replica can be reached. Default false: fail.</summary>
    public bool StartEmptyIfReplicaUnreachable { get; set; }

    /// <summary>
    /// What to do at start when the local journal is not the history the replica holds (an empty or unknown file,
    /// or another generation). Default <see cref="Replication.WhenLocalDiffers.Refuse"/>; <c>steadfast run</c> sets the
    /// others with <c>--restore-from-replica</c> and <c>--discard-replica-history</c>.
    /// </summary>
    public WhenLocalDiffers WhenLocalDiffers { get; set; } = WhenLocalDiffers.Refuse;

    /// <summary>How often the host reads the replicas' generations from Litestream (the lag is measured every second). Default 10 s.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lag (the age of the oldest commit not yet on a replica) above which the host logs a warning. Default 30 s.</summary>
    public TimeSpan LagWarning { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// RPO 0: every acknowledgement (a start, signal or cancellation accepted, a result reported) waits until a replica
    /// holds the commit it reports. Costs about one sync interval (plus the monitor interval) of latency per journal
    /// write; lower both for a faster acknowledgement. Default false (acknowledged once durable in the local file).
    /// </summary>
    public bool AcknowledgeAfterReplicated { get; set; }

    /// <summary>Where to replicate; at least one when enabled.</summary>
    public List<ReplicaOptions> Replicas { get; set; } = [];

    /// <summary>These options for a tenant's journal: each replica one level down, at <c>&lt;path&gt;/&lt;tenant&gt;</c>.</summary>
    internal ReplicationOptions ForTenant(string tenant)
    {
        var copy = (ReplicationOptions)MemberwiseClone();
        copy.Replicas = Replicas.Select(r => r.ForTenant(tenant)).ToList();
        return copy;
    }
}
