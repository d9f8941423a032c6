using System.CommandLine;
using System.Text.Json;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast replication status</c>: is a host replicating this journal, and where does each replica stand.</summary>
internal static class ReplicationStatusCommand
{
    public static Command Create(Option<string?> configOption)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var status = new Command("status", "Show replicas, current generation, last sync and lag (read from Litestream).") { json };
        status.SetAction((p, c) => RunAsync(p.GetValue(configOption), p.GetValue(json), c));
        return new Command("replication", "Litestream replication of the journal.") { status };
    }

    private static async Task<int> RunAsync(string? configFile, bool json, CancellationToken cancel)
    {
        var options = SteadfastHost.LoadOptions(configFile);
        if (!options.Replication.Enabled)
        {
            Console.WriteLine(json ? """{"enabled":false}""" : "Replication is OFF for this configuration (Steadfast:Replication:Enabled is false).");
            return 0;
        }
        var litestream = Litestream.For(options);
        var replicating = LitestreamProcesses.Replicating(litestream.ConfigPath);
        var replicas = await litestream.StatusAsync(cancel);
        // The lag is measured by the host on its own commits (Litestream's figure compares file times and goes negative).
        var host = replicating.Count > 0 ? ReplicationStatusFile.ReadFresh(options.DatabasePath) : null;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                enabled = true,
                database = options.DatabasePath,
                replicating = replicating.Count > 0,
                litestreamPids = replicating,
                lagMs = host?.LagMs,
                pendingCommits = host?.PendingCommits,
                replicatedPosition = host?.Replicated,
                acknowledgeAfterReplicated = host?.AcknowledgeAfterReplicated,
                replicas = options.Replication.Replicas.Select(r =>
                {
                    var s = replicas.FirstOrDefault(x => x.Replica == r.DisplayName);
                    return new { name = r.DisplayName, type = r.Type, generation = s?.Generation, lastSync = s?.LastSync };
                }),
            }));
            return 0;
        }
        Console.WriteLine($"database:    {options.DatabasePath}");
        Console.WriteLine($"replicating: {(replicating.Count > 0 ? $"yes (litestream pid {string.Join(", ", replicating)})" : "no (no host is running litestream for this journal)")}");
        Console.WriteLine(host is null
            ? "lag:         n/a (no running host reports it)"
            : $"lag:         {host.LagMs} ms (age of the oldest commit no replica holds; {host.PendingCommits} commit(s) waiting; " +
              $"replicas hold {host.Replicated ?? "nothing yet"}){(host.AcknowledgeAfterReplicated ? "; acknowledging only replicated commits" : "")}");
        foreach (var r in options.Replication.Replicas)
        {
            var s = replicas.FirstOrDefault(x => x.Replica == r.DisplayName);
            Console.WriteLine(s is null
                ? $"replica {r.DisplayName} ({r.Type}): no generation yet"
                : $"replica {r.DisplayName} ({r.Type}): generation {s.Generation}, last sync {s.LastSync:u}");
        }
        return 0;
    }
}
