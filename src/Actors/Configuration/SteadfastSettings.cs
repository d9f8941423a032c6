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
    TimeSpan DrainTimeout)
{
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
            c.GetTimeSpan("drain-timeout"));
        if (settings.SnapshotEvery < 1) throw new ConfigurationException($"steadfast.snapshot-every must be at least 1, got {settings.SnapshotEvery}.");
        if (settings.MaxPayloadBytes < 1024) throw new ConfigurationException($"steadfast.max-payload-bytes must be at least 1024, got {settings.MaxPayloadBytes}.");
        if (settings.MaxConcurrentActivities < 1) throw new ConfigurationException($"steadfast.max-concurrent-activities must be at least 1, got {settings.MaxConcurrentActivities}.");
        if (settings.StatusRecentEvents < 0) throw new ConfigurationException($"steadfast.status-recent-events must not be negative, got {settings.StatusRecentEvents}.");
        if (settings.RestartBackoffMin <= TimeSpan.Zero || settings.RestartBackoffMax < settings.RestartBackoffMin)
            throw new ConfigurationException("steadfast.restart-backoff needs 0 < min <= max.");
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
