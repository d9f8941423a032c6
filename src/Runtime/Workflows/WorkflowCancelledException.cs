namespace Steadfast.Runtime;

/// <summary>
/// Thrown into workflow code from every call that was pending when cancellation was requested (activities,
/// timers, signals, children). Catch it to compensate; whatever the code then does, the workflow ends Cancelled.
/// </summary>
public sealed class WorkflowCancelledException(string reason)
    : OperationCanceledException($"The workflow was cancelled: {reason}")
{
    /// <summary>The reason given with the cancellation request.</summary>
    public string Reason { get; } = reason;
}
