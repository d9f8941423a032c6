namespace Steadfast.Actors;

/// <summary>A start was rejected; <see cref="Rejection"/> says why. Nothing was journaled.</summary>
public sealed class WorkflowStartException(StartRejected rejection) : Exception(rejection.Message)
{
    /// <summary>The rejection reply.</summary>
    public StartRejected Rejection { get; } = rejection;
}
