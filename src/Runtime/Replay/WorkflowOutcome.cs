namespace Steadfast.Runtime.Replay;

/// <summary>Where the workflow code stands after the engine last ran it.</summary>
public abstract record WorkflowOutcome
{
    /// <summary>Blocked on a workflow operation; more history will move it on.</summary>
    public static WorkflowOutcome Running { get; } = new RunningOutcome();

    private sealed record RunningOutcome : WorkflowOutcome;
}

/// <summary>The code returned <paramref name="ResultJson"/>.</summary>
public sealed record CompletedOutcome(string ResultJson) : WorkflowOutcome;

/// <summary>The code threw.</summary>
public sealed record FailedOutcome(string ErrorType, string ErrorMessage) : WorkflowOutcome;

/// <summary>The code diverged from its journal or broke a determinism rule; it must not go on until the code is fixed.</summary>
public sealed record SuspendedOutcome(Divergence Divergence) : WorkflowOutcome;

/// <summary>The code ended after a cancellation request.</summary>
public sealed record CancelledOutcome(string Reason) : WorkflowOutcome;
