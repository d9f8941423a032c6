namespace Steadfast.Runtime;

/// <summary>How failed activity attempts are retried: exponential backoff with a cap and an attempt limit.</summary>
/// <param name="InitialInterval">The delay before the second attempt.</param>
/// <param name="BackoffCoefficient">Each further delay is the previous one times this (at least 1).</param>
/// <param name="MaximumInterval">No delay is longer than this.</param>
/// <param name="MaximumAttempts">Attempts in all, including the first (at least 1).</param>
/// <param name="NonRetryableErrorTypes">Exception type names (full or short) that fail the call at once.</param>
public sealed record RetryPolicy(
    TimeSpan InitialInterval,
    double BackoffCoefficient,
    TimeSpan MaximumInterval,
    int MaximumAttempts,
    IReadOnlyList<string> NonRetryableErrorTypes)
{
    /// <summary>The default: 5 attempts, 1 s, doubling, at most 60 s apart.</summary>
    public static RetryPolicy Default { get; } = Exponential();

    /// <summary>One attempt, no retries.</summary>
    public static RetryPolicy NoRetry { get; } = Exponential(maxAttempts: 1);

    /// <summary>Exponential backoff.</summary>
    /// <param name="maxAttempts">Attempts in all, including the first.</param>
    /// <param name="initialInterval">Delay before the second attempt (default 1 s).</param>
    /// <param name="backoffCoefficient">Growth factor of the delay (default 2).</param>
    /// <param name="maximumInterval">Cap on the delay (default 60 s).</param>
    /// <param name="nonRetryable">Exception types that are not retried.</param>
    public static RetryPolicy Exponential(
        int maxAttempts = 5,
        TimeSpan? initialInterval = null,
        double backoffCoefficient = 2.0,
        TimeSpan? maximumInterval = null,
        params Type[] nonRetryable) =>
        new RetryPolicy(initialInterval ?? TimeSpan.FromSeconds(1), backoffCoefficient, maximumInterval ?? TimeSpan.FromSeconds(60),
            maxAttempts, nonRetryable.Select(t => t.FullName ?? t.Name).ToArray()).Validated();

    /// <summary>The delay after the given failed attempt (1-based) before the next one.</summary>
    public TimeSpan DelayAfterAttempt(int failedAttempt)
    {
        var factor = Math.Pow(BackoffCoefficient, Math.Max(0, failedAttempt - 1));
        var ms = Math.Min(InitialInterval.TotalMilliseconds * factor, MaximumInterval.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>True when an error of this type must not be retried.</summary>
    public bool IsNonRetryable(string errorType) =>
        NonRetryableErrorTypes.Any(t => t == errorType || errorType.EndsWith("." + t, StringComparison.Ordinal) || t.EndsWith("." + errorType, StringComparison.Ordinal));

    /// <summary>Throws <see cref="ArgumentException"/> when a field is out of range.</summary>
    public RetryPolicy Validated()
    {
        if (MaximumAttempts < 1) throw new ArgumentException($"RetryPolicy.MaximumAttempts must be at least 1, got {MaximumAttempts}.");
        if (InitialInterval < TimeSpan.Zero) throw new ArgumentException($"RetryPolicy.InitialInterval must not be negative, got {InitialInterval}.");
        if (BackoffCoefficient < 1) throw new ArgumentException($"RetryPolicy.BackoffCoefficient must be at least 1, got {BackoffCoefficient}.");
        if (MaximumInterval < InitialInterval) throw new ArgumentException($"RetryPolicy.MaximumInterval ({MaximumInterval}) must not be below InitialInterval ({InitialInterval}).");
        return this;
    }
}
