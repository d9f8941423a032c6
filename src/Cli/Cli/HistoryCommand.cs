using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Steadfast.Cli.Inspection;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast history</c>: one workflow's journal as a timeline.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var db = InspectionOptions.Db();
        var json = InspectionOptions.Json();
        var id = InspectionOptions.WorkflowId();
        var full = new Option<bool>("--full") { Description = "Show whole payloads." };
        var export = new Option<string?>("--export") { Description = "Also write the stored events to this file, for WorkflowReplayer in a unit test (must not exist)." };
        var command = new Command("history", "Show a workflow's history: steps, attempts and their errors, results.") { db, json, full, export, id };
        command.SetAction(p =>
        {
            var history = JournalFolder.History(p.GetValue(db)!, p.GetValue(id)!);
            if (p.GetValue(export) is { } file)
            {
                if (File.Exists(file)) throw new Hosting.OptionsValidationException([$"{Path.GetFullPath(file)} already exists; --export writes only to a new file."]);
                File.WriteAllBytes(file, Runtime.History.SavedHistory.ToJson(history));
                Console.Error.WriteLine($"Saved {history.Count} event(s) to {Path.GetFullPath(file)}; replay them in a test with WorkflowReplayer.ReplaySaved(registry, File.ReadAllBytes(...)).");
            }
            var rows = Timeline.Of(history, p.GetValue(full) || p.GetValue(json));
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
                {
                    r.Index, r.Time, deltaMs = r.Delta.TotalMilliseconds, r.Event, r.Step, r.Activity, r.Attempt, r.Detail,
                    stored = JsonDocument.Parse(r.Json).RootElement,
                }), JsonOptions.Web));
                return 0;
            }
            Write(Terminal.Create(), p.GetValue(id)!, rows);
            return 0;
        });
        return command;
    }

    public static void Write(IAnsiConsole console, string workflowId, IReadOnlyList<TimelineRow> rows)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("#", "Time (UTC)", "+Δ", "Event", "Step", "Name", "Attempt", "Detail");
        foreach (var r in rows)
        {
            var failed = r.Detail.StartsWith("FAILED") || r.Detail.StartsWith("GAVE UP");
            table.AddRow(r.Index.ToString(), Terminal.Time(r.Time), $"+{r.Delta.TotalSeconds:0.000}s",
                failed ? $"[red]{r.Event}[/]" : r.Event, r.Step?.ToString() ?? "", Markup.Escape(r.Activity ?? ""),
                r.Attempt?.ToString() ?? "", failed ? $"[red]{Markup.Escape(r.Detail)}[/]" : Markup.Escape(r.Detail));
        }
        console.WriteLine($"workflow {workflowId}: {rows.Count} event(s)");
        console.Write(table);
    }
}
