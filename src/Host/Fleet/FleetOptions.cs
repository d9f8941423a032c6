namespace Steadfast.Hosting.Fleet;

/// <summary>
/// What this host says about itself next to its replicas (<c>Steadfast:Fleet</c>), for <c>steadfast fleet status</c>.
/// Published only when replication is on; the summary is a hint for an observer, the journal stays the truth.
/// </summary>
public sealed class FleetOptions
{
    /// <summary>The host's name in the summary. Default: the machine name.</summary>
    public string? HostName { get; set; }

    /// <summary>The tenant this journal belongs to. Default <c>default</c>.</summary>
    public string Tenant { get; set; } = "default";

    /// <summary>How often the summary is refreshed when the journal changed. Default 10 s.</summary>
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A running workflow with no journal event for this long is flagged as stuck. Default 1 h.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The host name used: <see cref="HostName"/> or the machine name.</summary>
    public string EffectiveHostName => string.IsNullOrWhiteSpace(HostName) ? Environment.MachineName : HostName;

    /// <summary>These options for a tenant's journal: its summary says the tenant's name.</summary>
    internal FleetOptions ForTenant(string tenant)
    {
        var copy = (FleetOptions)MemberwiseClone();
        copy.Tenant = tenant;
        return copy;
    }

    internal IEnumerable<string> Validate()
    {
        if (SummaryInterval <= TimeSpan.Zero || SummaryInterval > TimeSpan.FromHours(1))
            yield return $"Steadfast:Fleet:SummaryInterval must be more than 0 and at most 1 hour (the summary is refreshed at least every ten intervals), got {SummaryInterval}.";
        if (StuckAfter <= TimeSpan.Zero) yield return $"Steadfast:Fleet:StuckAfter must be positive, got {StuckAfter}.";
        if (string.IsNullOrWhiteSpace(Tenant) || Tenant.Length > 128) yield return $"Steadfast:Fleet:Tenant must be 1 to 128 characters, got '{Tenant}'.";
    }
}
