using System.CommandLine;
using System.Text.Json;
using Steadfast.Cli.Inspection;
using Steadfast.Runtime.History;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast show</c>: one workflow's status, input, result or error, and what it waits on.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var db = InspectionOptions.Db();
        var json = InspectionOptions.Json();
        var id = InspectionOptions.WorkflowId();
        var workflows = new Option<string?>("--workflows") { Description = "Assembly with the workflow code: replays it to tell Suspended (with the report) from Running." };
        var command = new Command("show", "Show a workflow's status, input, result or error, and what it waits on.") { db, json, workflows, id };
        command.SetAction(p =>
        {
            var history = JournalFolder.History(p.GetValue(db)!, p.GetValue(id)!);
            var state = ExecutionState.From(history);
            var started = state.Started!;
            var code = p.GetValue(workflows) is { } dll && !state.IsFinished ? WorkflowCodeLoader.Load(dll) : null;
            var report = Replayer.Status(started.WorkflowId, history, code);
            var (status, result, error) = (report.Status.ToString(), report.ResultJson, report.Error);
            var waiting = report.WaitingOn;
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    workflowId = started.WorkflowId, type = started.WorkflowType, status, started = started.Timestamp, finished = state.Terminal?.Timestamp,
                    input = JsonDocument.Parse(started.InputJson).RootElement,
                    result = result is null ? (JsonElement?)null : JsonDocument.Parse(result).RootElement,
                    error, waitingOn = waiting, steps = state.Steps, events = history.Count,
                    cancelRequested = state.CancelReason,
                }, JsonOptions.Web));
                return 0;
            }
            Console.WriteLine($"workflow   {started.WorkflowId} ({started.WorkflowType})");
            Console.WriteLine($"status     {status}{(state.CancelReason is { } r && !state.IsFinished ? $" (cancel requested: {r})" : "")}");
            Console.WriteLine($"started    {Terminal.Time(started.Timestamp)} UTC");
            if (state.Terminal is { } t) Console.WriteLine($"finished   {Terminal.Time(t.Timestamp)} UTC ({(t.Timestamp - started.Timestamp).TotalSeconds:0.000}s)");
            Console.WriteLine($"input      {started.InputJson}");
            if (result is not null) Console.WriteLine($"result     {result}");
            if (error is not null) Console.WriteLine($"error      {error}");
            if (waiting.Count > 0) Console.WriteLine($"waiting on {string.Join("; ", waiting)}");
            Console.WriteLine($"steps      {state.Steps}, events {history.Count}");
            if (!state.IsFinished && code is null)
                Console.WriteLine("(a Suspended workflow looks Running here: pass --workflows <assembly> to replay it)");
            return 0;
        });
        return command;
    }
}
