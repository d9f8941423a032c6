using Akka.Configuration;

namespace Steadfast.Actors;

/// <summary>Engine settings, read once from the <c>steadfast</c> HOCON section (defaults in the embedded steadfast.conf).</summary>
public sealed record SteadfastSettings(
    int SnapshotEvery,
    int MaxPayloadBytes,
    TimeSpan PassivateAfter,
    TimeSpan RestartBackoffMin,
    TimeSpan RestartBackoffMax,
    int MaxConcurrentActivities,
    int StatusRecentEvents,
    TimeSpan DrainTimeout,
    AdmissionSettings Admission)
{
    /// <summary>The journal plugin the workflow actors write to; null: Akka.Persistence's default (<c>akka.persistence.journal.plugin</c>).</summary>
    public string? JournalPluginId { get; init; }

    /// <summary>The snapshot store plugin of the workflow actors; null: Akka.Persistence's default.</summary>
    public string? SnapshotPluginId { get; init; }

    /// <summary>The embedded reference configuration.</summary>
    public static Config Reference { get; } = LoadReference();

    /// <summary>The defaults from the reference configuration.</summary>
    public static SteadfastSettings Default { get; } = From(Reference);

    /// <summary>Reads and validates the <c>steadfast</c> section.</summary>
    /// <exception cref="ConfigurationException">A value is out of range.</exception>
    public static SteadfastSettings From(Config config)
    {
        var c = (ReferenceEquals(config, Reference) ? config : config.WithFallback(Reference)).GetConfig("steadfast");
        var settings = new SteadfastSettings(
            c.GetInt("snapshot-every"),
            c.GetInt("max-payload-bytes"),
            c.GetTimeSpan("passivate-after"),
            c.GetTimeSpan("restart-backoff.min"),
            c.GetTimeSpan("restart-backoff.max"),
            c.GetInt("max-concurrent-activities"),
            c.GetInt("status-recent-events"),
            c.GetTimeSpan("drain-timeout"),
            new AdmissionSettings(
                c.GetInt("admission.max-active-workflows"),
                c.GetInt("admission.max-waiting-starts"),
                c.GetByteSize("admission.max-waiting-bytes") ?? 0,
                c.GetTimeSpan("admission.max-wait")));
        if (settings.SnapshotEvery < 1) throw new ConfigurationException($"steadfast.snapshot-every must be at least 1, got {settings.SnapshotEvery}.");
        if (settings.MaxPayloadBytes < 1024) throw new ConfigurationException($"steadfast.max-payload-bytes must be at least 1024, got {settings.MaxPayloadBytes}.");
        if (settings.MaxConcurrentActivities < 1) throw new ConfigurationException($"steadfast.max-concurrent-activities must be at least 1, got {settings.MaxConcurrentActivities}.");
        if (settings.StatusRecentEvents < 0) throw new ConfigurationException($"steadfast.status-recent-events must not be negative, got {settings.StatusRecentEvents}.");
        if (settings.RestartBackoffMin <= TimeSpan.Zero || settings.RestartBackoffMax < settings.RestartBackoffMin)
            throw new ConfigurationException("steadfast.restart-backoff needs 0 < min <= max.");
        var admission = settings.Admission;
        if (admission.MaxActiveWorkflows < 1 || admission.MaxWaitingStarts < 0 || admission.MaxWaitingBytes < 0 || admission.MaxWait <= TimeSpan.Zero)
            throw new ConfigurationException("steadfast.admission needs max-active-workflows >= 1, max-waiting-starts >= 0, max-waiting-bytes >= 0 and max-wait > 0.");
        // Each workflow in flight has at most one journal write outstanding; half the queue is left for quiet workflows
        // woken by a request and for children, which pass the gate. A full queue fails writes and opens the breaker.
        const string bufferKey = "akka.persistence.journal.sql.buffer-size";
        if (config.HasPath(bufferKey) && admission.MaxActiveWorkflows > config.GetInt(bufferKey) / 2)
            throw new ConfigurationException(
                $"steadfast.admission.max-active-workflows ({admission.MaxActiveWorkflows}) must be at most half of {bufferKey} ({config.GetInt(bufferKey)}): raise the buffer with it.");
        return settings;
    }

    private static Config LoadReference()
    {
        using var stream = typeof(SteadfastSettings).Assembly.GetManifestResourceStream("Steadfast.Actors.steadfast.conf")
            ?? throw new InvalidOperationException("The embedded steadfast.conf is missing from Steadfast.Actors.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
