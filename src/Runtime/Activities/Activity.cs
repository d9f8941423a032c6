namespace Steadfast.Runtime;

/// <summary>
/// A side-effecting step of a workflow (an HTTP call, a model call, a database write).
/// </summary>
/// <remarks>
/// Activities run at least once: a crash between the side effect and the journaling of its result runs the
/// attempt again. Use <see cref="ActivityExecutionContext.IdempotencyKey"/> to de-duplicate downstream. An activity whose
/// result was journaled never runs again for that step. Instances are created from the host's service provider
/// for each attempt, so constructor injection works.
/// </remarks>
/// <typeparam name="TIn">The input, passed as JSON through the journal.</typeparam>
/// <typeparam name="TOut">The result, journaled as JSON.</typeparam>
public abstract class Activity<TIn, TOut>
{
    /// <summary>Executes one attempt. Throw to fail the attempt; the call's <see cref="RetryPolicy"/> decides whether it is retried.</summary>
    /// <param name="input">The input the workflow passed.</param>
    /// <param name="context">Attempt number, idempotency key and the cancellation token (cancelled on timeout).</param>
    public abstract Task<TOut> ExecuteAsync(TIn input, ActivityExecutionContext context);
}
