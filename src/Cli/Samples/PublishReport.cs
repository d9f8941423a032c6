using Steadfast.Runtime;

namespace Steadfast.Cli.Samples;

/// <summary>
/// Pretends to publish the report; the idempotency key doubles as the report id so a retry never publishes twice.
/// A summary of a topic starting with "bug" hits a deliberate bug (<c>run --failing N</c>): every attempt throws, and the
/// workflow fails once its retries are spent, as a real defect would.
/// </summary>
public sealed class PublishReport : Activity<string, string>
{
    /// <inheritdoc />
    public override async Task<string> ExecuteAsync(string summary, ActivityExecutionContext context)
    {
        await Task.Delay(SampleTiming.Work(summary, 200, 600), context.CancellationToken);
        if (summary.Contains(": bug", StringComparison.Ordinal))
            throw new InvalidOperationException("The report template has no section for this topic (a deliberate sample bug).");
        return "report:" + context.IdempotencyKey;
    }
}
