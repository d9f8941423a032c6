namespace Steadfast.Runtime;

/// <summary>Thrown into workflow code when a child workflow failed, was cancelled or could not be started.</summary>
public sealed class ChildWorkflowFailedException(string childId, int sequence, string errorType, string errorMessage)
    : Exception($"Child workflow '{childId}' (step {sequence}) failed: {errorType}: {errorMessage}")
{
    /// <summary>The child's workflow id.</summary>
    public string ChildId { get; } = childId;

    /// <summary>The step number of the child call.</summary>
    public int Sequence { get; } = sequence;

    /// <summary>The child's error type.</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>The child's error message.</summary>
    public string ErrorMessage { get; } = errorMessage;
}
