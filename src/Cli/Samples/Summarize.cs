using Steadfast.Runtime;

namespace Steadfast.Cli.Samples;

/// <summary>Pretends to call a language model; every third topic is rate-limited on its first attempt.</summary>
public sealed class Summarize : Activity<string[], string>
{
    /// <inheritdoc />
    public override async Task<string> ExecuteAsync(string[] sources, ActivityExecutionContext context)
    {
        await Task.Delay(SampleTiming.Work(context.WorkflowId, 600, 1800), context.CancellationToken);
        if (context.Attempt == 1 && SampleTiming.StableHash(context.WorkflowId) % 3 == 0)
            throw new HttpRequestException("429 Too Many Requests (simulated model rate limit)");
        return $"{sources.Length} sources read; key point: {sources[0]}";
    }
}
