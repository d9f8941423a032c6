using Steadfast.Runtime.History;

namespace Steadfast.Actors;

/// <summary>A workflow's whole history as one snapshot row: recovery reads it plus the journal tail after it.</summary>
/// <remarks>The whole history, not a digest, because the replay engine re-runs the code against every event.</remarks>
public sealed record WorkflowSnapshot(IReadOnlyList<HistoryEvent> Events);
