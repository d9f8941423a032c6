namespace Steadfast.Actors;

/// <summary>The bounds of <see cref="AdmissionGate"/> (<c>steadfast.admission</c> in HOCON).</summary>
/// <param name="MaxActiveWorkflows">Workflows in flight at once (spawned and not yet quiet); at most half the journal's queue.</param>
/// <param name="MaxWaitingStarts">Starts of new workflows that may wait for a slot; more are refused as overloaded.</param>
/// <param name="MaxWaitingBytes">Memory the waiting starts may hold; more are refused as overloaded.</param>
/// <param name="MaxWait">How long a start may wait for a slot before it is refused as overloaded (well under a caller's timeout).</param>
public sealed record AdmissionSettings(int MaxActiveWorkflows, int MaxWaitingStarts, long MaxWaitingBytes, TimeSpan MaxWait);
