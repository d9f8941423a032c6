namespace Steadfast.Runtime;

/// <summary>What an activity attempt knows about itself.</summary>
/// <param name="WorkflowId">The workflow that called the activity.</param>
/// <param name="ActivityName">The registered name of the activity.</param>
/// <param name="Sequence">The step number of the call within its workflow.</param>
/// <param name="Attempt">The attempt number, starting at 1.</param>
/// <param name="CancellationToken">Cancelled when the attempt times out or the host stops.</param>
public sealed record ActivityExecutionContext(
    string WorkflowId,
    string ActivityName,
    int Sequence,
    int Attempt,
    CancellationToken CancellationToken)
{
    /// <summary>Stable across attempts and restarts: <c>{workflowId}/{sequence}</c>. Use it to de-duplicate side effects.</summary>
    public string IdempotencyKey => $"{WorkflowId}/{Sequence}";
}
