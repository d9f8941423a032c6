using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Steadfast.Actors.Storage;
using Steadfast.Hosting;
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
            Description = "Where the hosts replicate: a folder (file replicas, one subfolder per host or tenant) or s3://bucket/prefix; summaries are searched below it.",
            Required = true,
        };
        var endpoint = new Option<string?>("--endpoint") { Description = "With an s3:// URL: the S3-compatible server, e.g. http://127.0.0.1:9000 (path-style). Default: AWS." };
        var region = new Option<string>("--region") { Description = "With an s3:// URL: the region.", DefaultValueFactory = _ => "us-east-1" };
        var json = InspectionOptions.Json();
        var status = new Command("status", "One row per host and tenant: counts, failed and stuck workflows, last write, lag. Reads only the summaries, no journal.")
            { replica, endpoint, region, json };
        status.SetAction(async (p, cancel) =>
        {
            using var source = FleetSource.Open(p.GetValue(replica)!, p.GetValue(endpoint), p.GetValue(region)!);
            var (rows, skipped) = Sorted(await source.ScanAsync(cancel));
            foreach (var (file, problem) in skipped) Console.Error.WriteLine($"skipped {file}: {problem}");
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    replicas = rows.Select(r => new { folder = r.Place, summary = r.Summary }),
                    skipped = skipped.Select(s => new { file = s.File, problem = s.Problem }),
                }, JsonOptions.Web));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("Host", "Tenant", "Replica", "Running", "Completed", "Failed", "Cancelled", "Flagged", "Last write (UTC)", "Lag", "Summary age");
            var now = DateTimeOffset.UtcNow;
            foreach (var (place, s) in rows)
            {
                var flagged = s.Flagged.Failed.Select(id => $"failed {id}").Concat(s.Flagged.Stuck.Select(id => $"stuck {id}")).ToList();
                table.AddRow(Markup.Escape(s.Host), Markup.Escape(s.Tenant), Markup.Escape(place), s.Counts.Running.ToString(), s.Counts.Completed.ToString(),
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
            { replica, endpoint, region, where, tenant, into };
        pull.SetAction(async (p, cancel) =>
        {
            using var source = FleetSource.Open(p.GetValue(replica)!, p.GetValue(endpoint), p.GetValue(region)!);
            var pass = await PullPassAsync(source, p.GetValue(where)!, p.GetValue(tenant), Path.GetFullPath(p.GetValue(into)!), int.MaxValue, cancel);
            return pass.Failed > 0 ? 3 : 0;
        });
        var interval = new Option<TimeSpan>("--interval") { Description = "Time between passes.", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };
        var maxPulls = new Option<int>("--max-pulls") { Description = "At most this many journals restored per pass (the rest wait for the next): bounds the download rate.", DefaultValueFactory = _ => 10 };
        var watch = new Command("watch", "Keep --into current: a pull pass every --interval until stopped (Ctrl+C or SIGTERM), each restoring at most --max-pulls journals.")
            { replica, endpoint, region, where, tenant, into, interval, maxPulls };
        watch.SetAction(async (p, cancel) =>
        {
            if (p.GetValue(interval) < TimeSpan.FromSeconds(1)) throw new OptionsValidationException(["--interval must be at least 1s."]);
            if (p.GetValue(maxPulls) < 1) throw new OptionsValidationException(["--max-pulls must be at least 1."]);
            var folder = Path.GetFullPath(p.GetValue(into)!);
            try
            {
                while (true)
                {
                    // Opened for each pass: a fleet that has not replicated yet (no folder) or a bucket unreachable for a
                    // while fails that pass only; the next one tries again.
                    try
                    {
                        using var source = FleetSource.Open(p.GetValue(replica)!, p.GetValue(endpoint), p.GetValue(region)!);
                        await PullPassAsync(source, p.GetValue(where)!, p.GetValue(tenant), folder, p.GetValue(maxPulls), cancel);
                    }
                    catch (Exception e) when (!cancel.IsCancellationRequested && e is not OptionsValidationException)
                    {
                        Console.Error.WriteLine($"pass failed: {e.Message}");
                    }
                    await Task.Delay(p.GetValue(interval), cancel);
                }
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        });
        return new Command("fleet", "Look across many hosts' replicas.") { status, pull, watch };
    }

    /// <summary>One pass: restores the journals matching <paramref name="wanted"/> whose replicas moved on, at most <paramref name="budget"/> of them.</summary>
    private static async Task<(int Pulled, int Failed)> PullPassAsync(FleetSource source, string wanted, string? only, string into, int budget, CancellationToken cancel)
    {
        var (rows, skipped) = Sorted(await source.ScanAsync(cancel));
        foreach (var (file, problem) in skipped) Console.Error.WriteLine($"skipped {file}: {problem}");
        var selected = rows.Where(r => (only is null || r.Summary.Tenant == only) && Matches(r.Summary, wanted)).ToList();
        var folder = Directory.CreateDirectory(into).FullName;
        int pulled = 0, failed = 0, deferred = 0;
        var names = new HashSet<string>();
        foreach (var (place, s) in selected)
        {
            var name = $"{Safe(s.Host)}-{Safe(s.Tenant)}";
            if (!names.Add(name)) names.Add(name = $"{name}-{Safe(place)}"); // the same host and tenant in two places
            var target = Path.Combine(folder, name + ".db");
            if (IsCurrent(target, s))
            {
                Console.WriteLine($"current {name} ({target})");
                continue;
            }
            if (pulled >= budget) // failures do not spend it: a few broken replicas must not starve the rest
            {
                deferred++;
                continue;
            }
            try
            {
                Console.WriteLine(await PullAsync(source, place, s, target, name, cancel));
                pulled++;
            }
            catch (Exception e) when (!cancel.IsCancellationRequested && e is ReplicationException or JournalReadException or IOException
                                          or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                failed++;
                Console.Error.WriteLine($"failed {name}: {e.Message}");
            }
        }
        Console.WriteLine($"{selected.Count} of {rows.Count} journal(s) match --where {wanted}{(only is null ? "" : $" --tenant {only}")}" +
                          (failed > 0 ? $"; {failed} could not be pulled" : "") + (deferred > 0 ? $"; {deferred} left for the next pass" : "") + ".");
        return (pulled, failed);
    }

    private static bool Matches(FleetSummary s, string wanted) => wanted switch
    {
        "failed" => s.Counts.Failed > 0,
        "stuck" => s.Flagged.Stuck.Count > 0,
        _ => true,
    };

    /// <summary>
    /// Restores one journal beside the others, unless the copy there is already what the summary describes. The copy is
    /// marked current only when it holds the summary's newest row: a replica still behind its host gives an older copy,
    /// which the next pull restores again.
    /// </summary>
    private static async Task<string> PullAsync(FleetSource source, string place, FleetSummary s, string target, string name, CancellationToken cancel)
    {
        var marker = target + ".pulled.json";
        var fresh = target + ".new";
        foreach (var stale in new[] { fresh, fresh + "-wal", fresh + "-shm" }) File.Delete(stale);
        var position = await source.RestoreAsync(place, fresh, cancel) ?? throw new ReplicationException($"its summary is in {place}, but no replica is there.");
        foreach (var old in new[] { target + "-wal", target + "-shm", marker }) File.Delete(old);
        File.Move(fresh, target, overwrite: true);
        if (Holds(target, s)) File.WriteAllText(marker, PulledFrom(s));
        return $"pulled {name}: {s.Counts.Failed} failed, {s.Counts.Running} running ({position}) -> {target}";
    }

    private static bool IsCurrent(string target, FleetSummary s) =>
        File.Exists(target) && File.Exists(target + ".pulled.json") && File.ReadAllText(target + ".pulled.json") == PulledFrom(s);

    private static string PulledFrom(FleetSummary s) => JsonSerializer.Serialize(new { s.Generation, s.LastWriteAt }, JsonOptions.Web);

    // The copy holds the summary's newest row (rows commit in ordering order); an older summary without it: its last write.
    private static bool Holds(string journal, FleetSummary s)
    {
        using var reader = JournalReader.Open(journal);
        var (row, writtenAt) = reader.Newest();
        return s.LastRow is { } lastRow ? row >= lastRow : s.LastWriteAt is { } lastWrite && writtenAt >= lastWrite;
    }

    private static (List<(string Place, FleetSummary Summary)> Rows, List<(string File, string Problem)> Skipped) Sorted(
        (List<(string Place, FleetSummary Summary)> Rows, List<(string File, string Problem)> Skipped) scan) =>
        (scan.Rows.OrderBy(r => r.Summary.Host, StringComparer.Ordinal).ThenBy(r => r.Summary.Tenant, StringComparer.Ordinal).ToList(), scan.Skipped);

    // A file name from a host or tenant name written by someone else: no path separators, nothing hidden.
    private static string Safe(string name) =>
        new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).TrimStart('.') is { Length: > 0 } s ? s : "_";
}
