using System.CommandLine;
using System.Text.Json;
using Steadfast.Cli.Inspection;
using Steadfast.Runtime.Replay;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast replay</c>: check stored history against (new) workflow code; exit 0 when consistent, 1 on divergence.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var db = InspectionOptions.Db();
        var json = InspectionOptions.Json();
        var id = InspectionOptions.WorkflowId();
        var workflows = new Option<string>("--workflows") { Description = "Assembly (.dll) with the workflow code to check.", Required = true };
        var command = new Command("replay", "Re-run a workflow's code against its stored history, executing nothing; report the first divergence.") { db, json, workflows, id };
        command.SetAction(p =>
        {
            var history = JournalFolder.History(p.GetValue(db)!, p.GetValue(id)!);
            var outcome = Replayer.Replay(WorkflowCodeLoader.Load(p.GetValue(workflows)!), history);
            var divergence = (outcome as SuspendedOutcome)?.Divergence;
            if (p.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    workflowId = p.GetValue(id), consistent = divergence is null, events = history.Count,
                    outcome = outcome.GetType().Name.Replace("Outcome", ""),
                    divergence = divergence is null ? null : new { divergence.Sequence, divergence.Expected, divergence.Actual, divergence.Source, divergence.Message },
                }, JsonOptions.Web));
            else if (divergence is null)
                Console.WriteLine($"consistent: {history.Count} event(s) of {p.GetValue(id)} replay against this code ({outcome.GetType().Name.Replace("Outcome", "").ToLowerInvariant()}).");
            else
            {
                Console.WriteLine($"DIVERGED: {divergence.Message}");
                Console.WriteLine($"  step:     {divergence.Sequence?.ToString() ?? "-"}");
                Console.WriteLine($"  expected: {divergence.Expected}");
                Console.WriteLine($"  actual:   {divergence.Actual}");
                Console.WriteLine($"  source:   {divergence.Source ?? "(unknown)"}");
            }
            return divergence is null ? 0 : (int)InspectionError.Diverged;
        });
        return command;
    }
}
