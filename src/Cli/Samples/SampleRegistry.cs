using Steadfast.Runtime;

namespace Steadfast.Cli.Samples;

/// <summary>Registers the bundled samples.</summary>
public static class SampleRegistry
{
    /// <summary>Adds the research agent and its activities.</summary>
    public static SteadfastRegistry AddSamples(this SteadfastRegistry registry) => registry
        .AddWorkflow<ResearchAgent>()
        .AddActivity<SearchWeb>()
        .AddActivity<Summarize>()
        .AddActivity<PublishReport>();
}
