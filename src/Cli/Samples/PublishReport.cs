using Steadfast.Runtime;

namespace Steadfast.Cli.Samples;

/// <summary>Pretends to publish the report; the idempotency key doubles as the report id so a retry never publishes twice.</summary>
public sealed class PublishReport : Activity<string, string>
{
    /// <inheritdoc />
    public override async Task<string> ExecuteAsync(string summary, ActivityExecutionContext context)
    {
        await Task.Delay(SampleTiming.Work(summary, 200, 600), context.CancellationToken);
        return "report:" + context.IdempotencyKey;
    }
}
