using System.CommandLine;

namespace Steadfast.Cli.Cli;

/// <summary>Options shared by the inspection commands.</summary>
internal static class InspectionOptions
{
    public static Option<string> Db() => new("--db") { Description = "The journal file (opened read-only), or a folder of them (e.g. what fleet pull restored).", DefaultValueFactory = _ => "data/steadfast.db" };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts." };

    public static Argument<string> WorkflowId() => new("workflowId") { Description = "The workflow's id." };
}
