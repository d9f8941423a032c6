using Microsoft.Extensions.Logging;

namespace Steadfast.Hosting;

/// <summary>The hosting library's own log lines (replication has <see cref="Replication.ReplicationLog"/>), source-generated.</summary>
internal static partial class HostingLog
{
    // The reason is also the refusal callers get: written once, in DiskSpaceWatch.
    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason}")]
    public static partial void DiskLow(this ILogger log, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Free} MB are free on the journal's volume again: new starts are taken")]
    public static partial void DiskFreeAgain(this ILogger log, long free);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The journal {Database} was removed while the host runs: further writes would be lost. Stopping now; " +
                                                        "restart to restore it from the replica (if replication is on) or to start a new journal.")]
    public static partial void JournalRemoved(this ILogger log, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the fleet summary ({Error}); the next interval tries again")]
    public static partial void SummaryFailed(this ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Tenant} is FAULTED and does not start: {Reason} Its journal {Database} is left as it was; its callers are " +
                                                     "answered with this reason, and every other tenant runs. Repair or restore the file, then restart the host.")]
    public static partial void TenantFaulted(this ILogger log, string tenant, string database, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Tenant {Tenant}'s journal {Database} was removed while the host runs: further writes would be lost. " +
                                                        "Its workflows stop now and its callers are answered Faulted; the other tenants run on.")]
    public static partial void TenantJournalRemoved(this ILogger log, string tenant, string database);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not fault tenant {Tenant} after its journal was removed: {Error}")]
    public static partial void TenantFaultFailed(this ILogger log, string tenant, string error);
}
