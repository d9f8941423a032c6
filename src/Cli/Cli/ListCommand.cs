using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Steadfast.Actors.Storage;
using Steadfast.Cli.Inspection;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast list</c>: executions, newest first, filtered and paged.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var db = InspectionOptions.Db();
        var json = InspectionOptions.Json();
        var status = new Option<string?>("--status") { Description = "Running, Completed, Failed, Cancelled, or Faulted (unfinished, with an event this version cannot read)." };
        status.AcceptOnlyFromAmong("Running", "Completed", "Failed", "Cancelled", "Faulted");
        var type = new Option<string?>("--type") { Description = "Only this workflow type." };
        var limit = new Option<int>("--limit") { Description = "Rows per page.", DefaultValueFactory = _ => 50 };
        var page = new Option<int>("--page") { Description = "Page number, from 1.", DefaultValueFactory = _ => 1 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000) r.AddError($"--limit must be 1 to 10000, got {r.GetValueOrDefault<int>()}.");
        });
        page.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError($"--page starts at 1, got {r.GetValueOrDefault<int>()}.");
        });
        var command = new Command("list", "List workflow executions in a journal, newest first.") { db, json, status, type, limit, page };
        command.SetAction(p =>
        {
            var (size, number) = (p.GetValue(limit), p.GetValue(page));
            var path = p.GetValue(db)!;
            var folder = JournalFolder.IsFolder(path);
            List<(string? Journal, ExecutionSummary Row)> rows;
            if (!folder)
            {
                using var reader = JournalReader.Open(path);
                rows = reader.List(p.GetValue(status), p.GetValue(type), size, (number - 1) * size).Select(r => ((string?)null, r)).ToList();
            }
            else
            {
                // Each journal's newest (page × size) rows, merged newest first: enough for the asked page.
                var journals = JournalFolder.OpenAll(path);
                try
                {
                    rows = journals.SelectMany(j => j.Reader.List(p.GetValue(status), p.GetValue(type), number * size, 0).Select(r => ((string?)j.Name, r)))
                        .OrderByDescending(r => r.r.Started).Skip((number - 1) * size).Take(size).ToList();
                }
                finally
                {
                    foreach (var (_, reader) in journals) reader.Dispose();
                }
            }
            if (p.GetValue(json))
            {
                Console.WriteLine(folder
                    ? JsonSerializer.Serialize(rows.Select(r => new { journal = r.Journal, execution = r.Row }), JsonOptions.Web)
                    : JsonSerializer.Serialize(rows.Select(r => r.Row), JsonOptions.Web));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple);
            if (folder) table.AddColumn("Journal");
            table.AddColumns("Id", "Type", "Status", "Started (UTC)", "Finished (UTC)", "Events", "Last event");
            foreach (var (journal, r) in rows)
            {
                var cells = new[] { Markup.Escape(r.WorkflowId), Markup.Escape(r.WorkflowType), r.Status, r.Started is { } s ? Terminal.Time(s) : "?",
                    r.Finished is { } f ? Terminal.Time(f) : "", r.Events.ToString(), Markup.Escape(r.LastEvent) };
                table.AddRow(folder ? [Markup.Escape(journal!), .. cells] : cells);
            }
            var console = Terminal.Create();
            console.Write(table);
            console.WriteLine($"page {number}, {rows.Count} row(s){(rows.Count == size ? $"; next: --page {number + 1}" : "")}");
            foreach (var (_, r) in rows.Where(r => r.Row.Unreadable is not null)) console.WriteLine($"Faulted: the {r.Unreadable}");
            return 0;
        });
        return command;
    }
}
