using Microsoft.Extensions.Logging;

namespace Steadfast.Hosting.Replication;

/// <summary>The replication log lines, source-generated: templates checked at build time, no boxing below the level.</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication is OFF: the journal {Database} is not backed up (enable Steadfast:Replication)")]
    public static partial void ReplicationOff(this ILogger log, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "No replica of {Database} exists yet: starting a new journal")]
    public static partial void NoReplicaYet(this ILogger log, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restored {Database} from the replica ({Position}); unfinished workflows resume from it")]
    public static partial void Restored(this ILogger log, string database, string position);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Error} Starting with an EMPTY journal because StartEmptyIfReplicaUnreachable is set")]
    public static partial void StartingEmpty(this ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping Litestream pid {Pid} left over from a previous host of this journal")]
    public static partial void StoppingLeftover(this ILogger log, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replicating {Database} to {Replicas} (config {Config}){Mode}")]
    public static partial void Replicating(this ILogger log, string database, string replicas, string config, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not compare {Database} with the replica ({Error}); starting on the local journal")]
    public static partial void CouldNotCompare(this ILogger log, string database, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "No replica holds a generation of {Database} yet: starting on the local journal")]
    public static partial void NoGenerationYet(this ILogger log, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Database} is the history of replica generation {Generation}")]
    public static partial void SameHistory(this ILogger log, string database, string generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Difference} Moved it to {Aside}; restoring the replica's history")]
    public static partial void MovedAside(this ILogger log, string difference, string aside);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Difference} Starting on it anyway (discard replica history was asked for): a new generation begins")]
    public static partial void DiscardingReplicaHistory(this ILogger log, string difference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read a shipped position from Litestream's log ({Error}); the next one confirms it")]
    public static partial void UnreadableShippedPosition(this ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Litestream started (pid {Pid})")]
    public static partial void Started(this ILogger log, int pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Litestream (pid {Pid}) exited unexpectedly with code {Code}: replication is PAUSED; restarting it in {Backoff}")]
    public static partial void ExitedUnexpectedly(this ILogger log, int pid, int code, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Litestream (pid {Pid}) shipped nothing within {Wait}; stopping it anyway")]
    public static partial void ShippedNothing(this ILogger log, int pid, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Litestream stopped after shipping its last frames (pid {Pid})")]
    public static partial void Stopped(this ILogger log, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Litestream (pid {Pid}) stopped with exit code {Code}: its last frames may not be on the replica; the next start ships them")]
    public static partial void StoppedWithError(this ILogger log, int pid, int code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No replica holds a generation of {Database} yet")]
    public static partial void StillNoGeneration(this ILogger log, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication status unavailable: {Error}")]
    public static partial void StatusUnavailable(this ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication is lagging: the oldest commit no replica holds is {Lag} old ({Pending} commits waiting; replicas hold up to {Position})")]
    public static partial void Lagging(this ILogger log, TimeSpan lag, long pending, string position);

    [LoggerMessage(Message = "litestream: {Line}")]
    public static partial void Litestream(this ILogger log, LogLevel level, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The journal is on PostgreSQL: Litestream replication (Steadfast:Replication) is for the SQLite journal and is off. " +
                                                       "A second copy of a PostgreSQL journal is PostgreSQL's own replication.")]
    public static partial void OffOnPostgreSql(this ILogger log);
}
