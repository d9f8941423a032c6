using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Steadfast.Cli.Inspection;
using Steadfast.Hosting.Fleet;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast fleet status</c>: what every host says about its journal, read from the summaries next to the replicas.</summary>
internal static class FleetCommand
{
    public static Command Create()
    {
        var replica = new Option<string>("--replica")
        {
            Description = "The folder the hosts replicate into (file replicas, one subfolder per host or tenant); summaries are searched below it.",
            Required = true,
        };
        var json = InspectionOptions.Json();
        var status = new Command("status", "One row per host and tenant: counts, failed and stuck workflows, last write, lag. Reads only the summaries, no journal.")
            { replica, json };
        status.SetAction(p =>
        {
            var root = Path.GetFullPath(p.GetValue(replica)!.Replace("file://", "", StringComparison.Ordinal));
            if (!Directory.Exists(root)) throw new InspectionException(InspectionError.MissingReplica, $"The replica folder {root} does not exist.");
            var rows = new List<(string Folder, FleetSummary Summary)>();
            var skipped = new List<(string File, string Problem)>();
            foreach (var file in Directory.EnumerateFiles(root, FleetSummary.FileName, SearchOption.AllDirectories).Order())
            {
                var folder = Path.GetRelativePath(root, Path.GetDirectoryName(file)!);
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (IOException e)
                {
                    skipped.Add((file, e.Message));
                    continue;
                }
                if (FleetSummary.Parse(text, out var problem) is { } summary) rows.Add((folder, summary));
                else skipped.Add((file, problem!));
            }
            foreach (var (file, problem) in skipped) Console.Error.WriteLine($"skipped {file}: {problem}");
            rows = rows.OrderBy(r => r.Summary.Host, StringComparer.Ordinal).ThenBy(r => r.Summary.Tenant, StringComparer.Ordinal).ToList();
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    replicas = rows.Select(r => new { folder = r.Folder, summary = r.Summary }),
                    skipped = skipped.Select(s => new { file = s.File, problem = s.Problem }),
                }, JsonOptions.Web));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("Host", "Tenant", "Replica", "Running", "Completed", "Failed", "Cancelled", "Flagged", "Last write (UTC)", "Lag", "Summary age");
            var now = DateTimeOffset.UtcNow;
            foreach (var (folder, s) in rows)
            {
                var flagged = s.Flagged.Failed.Select(id => $"failed {id}").Concat(s.Flagged.Stuck.Select(id => $"stuck {id}")).ToList();
                table.AddRow(Markup.Escape(s.Host), Markup.Escape(s.Tenant), Markup.Escape(folder), s.Counts.Running.ToString(), s.Counts.Completed.ToString(),
                    s.Counts.Failed > 0 ? $"[red]{s.Counts.Failed}[/]" : "0", s.Counts.Cancelled.ToString(),
                    Markup.Escape(flagged.Count == 0 ? "" : string.Join(", ", flagged.Take(3)) + (flagged.Count > 3 ? $", … {flagged.Count - 3} more" : "")),
                    s.LastWriteAt is { } w ? Terminal.Time(w) : "", s.LagSeconds is { } lag ? $"{lag:0.0}s" : "", $"{(now - s.WrittenAt).TotalSeconds:0}s");
            }
            var console = Terminal.Create();
            console.Write(table);
            console.WriteLine($"{rows.Count} journal(s); a summary is a hint: pull a replica and inspect it for the truth.");
            return 0;
        });
        return new Command("fleet", "Look across many hosts' replicas.") { status };
    }
}
