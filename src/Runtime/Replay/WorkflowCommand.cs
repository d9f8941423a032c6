namespace Steadfast.Runtime.Replay;

/// <summary>Something the workflow code asked for that must be journaled and started.</summary>
/// <param name="Sequence">The step number given to the call when it was made.</param>
/// <param name="Source">File and line of the call in workflow code, for divergence reports.</param>
public abstract record WorkflowCommand(int Sequence, string Source)
{
    /// <summary>A one-line description used in divergence reports.</summary>
    public abstract string Describe();
}

/// <summary>Call activity <paramref name="ActivityName"/> with <paramref name="InputJson"/>.</summary>
public sealed record ScheduleActivity(
    int Sequence,
    string ActivityName,
    string InputJson,
    RetryPolicy RetryPolicy,
    TimeSpan? AttemptTimeout,
    string Source) : WorkflowCommand(Sequence, Source)
{
    /// <inheritdoc />
    public override string Describe() => $"ScheduleActivity '{ActivityName}' input {Divergence.Shorten(InputJson)}";
}

/// <summary>Start a durable timer due at <paramref name="FireAt"/>.</summary>
public sealed record StartTimer(int Sequence, DateTimeOffset FireAt, string Source) : WorkflowCommand(Sequence, Source)
{
    /// <inheritdoc />
    public override string Describe() => $"StartTimer due {FireAt:O}";
}

/// <summary>Start child workflow <paramref name="ChildId"/> of type <paramref name="WorkflowType"/>.</summary>
public sealed record StartChildWorkflow(int Sequence, string ChildId, string WorkflowType, string InputJson, string Source) : WorkflowCommand(Sequence, Source)
{
    /// <inheritdoc />
    public override string Describe() => $"StartChildWorkflow '{WorkflowType}' id {ChildId} input {Divergence.Shorten(InputJson)}";
}
