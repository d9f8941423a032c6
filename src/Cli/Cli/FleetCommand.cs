using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Steadfast.Cli.Inspection;
using Steadfast.Hosting.Fleet;
using Steadfast.Hosting.Replication;

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
            var (_, rows, skipped) = Scan(p.GetValue(replica)!);
            foreach (var (file, problem) in skipped) Console.Error.WriteLine($"skipped {file}: {problem}");
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
        var where = new Option<string>("--where") { Description = "Which journals: failed (a failed workflow), stuck (a stuck one), or all.", DefaultValueFactory = _ => "failed" };
        where.AcceptOnlyFromAmong("failed", "stuck", "all");
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant." };
        var into = new Option<string>("--into") { Description = "The folder to restore them into (<host>-<tenant>.db each).", Required = true };
        var pull = new Command("pull", "Restore exactly the journals whose summaries match --where, each only when the replica moved on since the last pull.")
            { replica, where, tenant, into };
        pull.SetAction(async (p, cancel) =>
        {
            var (root, rows, skipped) = Scan(p.GetValue(replica)!);
            foreach (var (file, problem) in skipped) Console.Error.WriteLine($"skipped {file}: {problem}");
            var wanted = p.GetValue(where);
            var only = p.GetValue(tenant);
            var selected = rows.Where(r => (only is null || r.Summary.Tenant == only) && wanted switch
            {
                "failed" => r.Summary.Counts.Failed > 0,
                "stuck" => r.Summary.Flagged.Stuck.Count > 0,
                _ => true,
            }).ToList();
            var folder = Directory.CreateDirectory(Path.GetFullPath(p.GetValue(into)!)).FullName;
            var binary = LitestreamBinary.Find(null);
            foreach (var (replicaFolder, s) in selected)
            {
                var name = $"{Safe(s.Host)}-{Safe(s.Tenant)}";
                var target = Path.Combine(folder, name + ".db");
                var marker = target + ".pulled.json";
                var pulledFrom = JsonSerializer.Serialize(new { s.Generation, s.LastWriteAt }, JsonOptions.Web);
                if (File.Exists(target) && File.Exists(marker) && File.ReadAllText(marker) == pulledFrom)
                {
                    Console.WriteLine($"current {name} ({target})");
                    continue;
                }
                var fresh = target + ".new";
                foreach (var stale in new[] { fresh, fresh + "-wal", fresh + "-shm" }) File.Delete(stale);
                var position = await Litestream.RestoreUrlAsync(binary, new Uri(Path.Combine(root, replicaFolder)).AbsoluteUri, fresh, cancel);
                if (position is null)
                {
                    Console.Error.WriteLine($"skipped {name}: its summary is in {replicaFolder}, but no replica is there");
                    continue;
                }
                foreach (var old in new[] { target + "-wal", target + "-shm" }) File.Delete(old);
                File.Move(fresh, target, overwrite: true);
                File.WriteAllText(marker, pulledFrom);
                Console.WriteLine($"pulled {name}: {s.Counts.Failed} failed, {s.Counts.Running} running ({position}) -> {target}");
            }
            Console.WriteLine($"{selected.Count} of {rows.Count} journal(s) match --where {wanted}{(only is null ? "" : $" --tenant {only}")}.");
            return 0;
        });
        return new Command("fleet", "Look across many hosts' replicas.") { status, pull };
    }

    /// <summary>The summaries below <paramref name="replicaRoot"/>, by host and tenant, and the files that are not ones this version reads.</summary>
    private static (string Root, List<(string Folder, FleetSummary Summary)> Rows, List<(string File, string Problem)> Skipped) Scan(string replicaRoot)
    {
        var root = Path.GetFullPath(replicaRoot.Replace("file://", "", StringComparison.Ordinal));
        if (!Directory.Exists(root)) throw new InspectionException(InspectionError.MissingReplica, $"The replica folder {root} does not exist.");
        var rows = new List<(string Folder, FleetSummary Summary)>();
        var skipped = new List<(string File, string Problem)>();
        foreach (var file in Directory.EnumerateFiles(root, FleetSummary.FileName, SearchOption.AllDirectories).Order())
        {
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
            if (FleetSummary.Parse(text, out var problem) is { } summary) rows.Add((Path.GetRelativePath(root, Path.GetDirectoryName(file)!), summary));
            else skipped.Add((file, problem!));
        }
        return (root, rows.OrderBy(r => r.Summary.Host, StringComparer.Ordinal).ThenBy(r => r.Summary.Tenant, StringComparer.Ordinal).ToList(), skipped);
    }

    // A file name from a host or tenant name written by someone else: no path separators, nothing hidden.
    private static string Safe(string name) =>
        new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).TrimStart('.') is { Length: > 0 } s ? s : "_";
}
