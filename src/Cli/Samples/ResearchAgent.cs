using Steadfast.Runtime;

namespace Steadfast.Cli.Samples;

/// <summary>The input of the sample agent.</summary>
public sealed record ResearchRequest(string Topic);

/// <summary>What the sample agent produces.</summary>
public sealed record ResearchReport(string Topic, int Sources, string Summary, string ReportId, DateTimeOffset FinishedAt);

/// <summary>
/// An "agent" style sample: search, summarize (a model call that is rate-limited now and then and is retried),
/// then publish. Each step is an activity; kill the host at any point and it carries on where it stopped.
/// </summary>
public sealed class ResearchAgent : Workflow<ResearchRequest, ResearchReport>
{
    /// <inheritdoc />
    public override async Task<ResearchReport> RunAsync(WorkflowContext context, ResearchRequest input)
    {
        var sources = await context.CallAsync<SearchWeb, string, string[]>(input.Topic);
        var summary = await context.CallAsync<Summarize, string[], string>(sources,
            RetryPolicy.Exponential(maxAttempts: 4, initialInterval: TimeSpan.FromMilliseconds(500)));
        var reportId = await context.CallAsync<PublishReport, string, string>(summary);
        return new ResearchReport(input.Topic, sources.Length, summary, reportId, context.UtcNow);
    }
}
