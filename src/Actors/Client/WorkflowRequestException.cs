namespace Steadfast.Actors;

/// <summary>A signal or cancellation was refused; <see cref="Reason"/> says why. Nothing was journaled.</summary>
public sealed class WorkflowRequestException(RejectionReason reason, string message) : Exception(message)
{
    /// <summary>Why it was refused.</summary>
    public RejectionReason Reason { get; } = reason;
}
