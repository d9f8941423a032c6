namespace Steadfast.Actors;

/// <summary>
/// Host → router: the journal's volume is low on space (<paramref name="Reason"/>), or no longer (null). While low,
/// new starts are refused <see cref="StartRejection.Overloaded"/> with the reason; workflows already running go on
/// while their writes succeed. Sent by the hosting library's disk watch; an embedder with its own monitor may send it.
/// </summary>
public sealed record DiskPressure(string? Reason);
