namespace Steadfast.Runtime;

/// <summary>Options of one activity call.</summary>
/// <param name="RetryPolicy">How failed attempts are retried; <see cref="RetryPolicy.Default"/> when null.</param>
/// <param name="AttemptTimeout">Longest one attempt may run; its cancellation token is cancelled then and the
/// attempt counts as failed (retryable). Null means no limit.</param>
public sealed record ActivityOptions(RetryPolicy? RetryPolicy = null, TimeSpan? AttemptTimeout = null);
