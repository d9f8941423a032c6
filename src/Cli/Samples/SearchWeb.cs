using Steadfast.Runtime;

namespace Steadfast.Cli.Samples;

/// <summary>Pretends to search the web: takes a while and returns a few source titles.</summary>
public sealed class SearchWeb : Activity<string, string[]>
{
    /// <inheritdoc />
    public override async Task<string[]> ExecuteAsync(string topic, ActivityExecutionContext context)
    {
        await Task.Delay(SampleTiming.Work(topic, 400, 1200), context.CancellationToken);
        var count = 2 + SampleTiming.StableHash(topic) % 4;
        return Enumerable.Range(1, count).Select(i => $"{topic}: source {i}").ToArray();
    }
}
