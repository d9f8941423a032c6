namespace Steadfast.Runtime.History;

/// <summary>The journal holds an event this version of Steadfast cannot read (written by a newer version, or foreign).</summary>
public sealed class UnknownEventVersionException(string manifest)
    : Exception($"Unknown history event '{manifest}': it was written by a newer Steadfast or another program. Known: {string.Join(", ", HistoryEventCodec.KnownManifests)}.")
{
    /// <summary>The unreadable manifest.</summary>
    public string Manifest { get; } = manifest;
}
