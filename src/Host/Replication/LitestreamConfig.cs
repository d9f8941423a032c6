using System.Text;
using System.Text.Json;

namespace Steadfast.Hosting.Replication;

/// <summary>Validates replication options and renders Litestream's YAML config from them.</summary>
public static class LitestreamConfig
{
    /// <summary>Environment variable pairs Litestream reads S3 credentials from.</summary>
    public static readonly (string Key, string Secret)[] CredentialVariables =
        [("LITESTREAM_ACCESS_KEY_ID", "LITESTREAM_SECRET_ACCESS_KEY"), ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")];

    /// <summary>Every problem with the options, one line each; empty when they are valid.</summary>
    public static List<string> Validate(ReplicationOptions o)
    {
        var errors = new List<string>();
        const string at = "Steadfast:Replication";
        if (!o.Enabled)
        {
            if (o.AcknowledgeAfterReplicated) errors.Add($"{at}:AcknowledgeAfterReplicated needs replication: set {at}:Enabled to true.");
            return errors;
        }
        if (o.Replicas.Count == 0) errors.Add($"{at}:Replicas is empty: add a file or s3 replica, or set Enabled to false.");
        if (o.MonitorInterval < TimeSpan.FromMilliseconds(10)) errors.Add($"{at}:MonitorInterval must be at least 10ms, got {o.MonitorInterval}.");
        if (o.SyncInterval < TimeSpan.FromMilliseconds(10)) errors.Add($"{at}:SyncInterval must be at least 10ms, got {o.SyncInterval}.");
        if (o.SnapshotInterval < TimeSpan.FromMinutes(1)) errors.Add($"{at}:SnapshotInterval must be at least 1 minute, got {o.SnapshotInterval}.");
        if (o.Retention < o.SnapshotInterval) errors.Add($"{at}:Retention ({o.Retention}) must not be shorter than SnapshotInterval ({o.SnapshotInterval}).");
        if (o.StatusInterval < TimeSpan.FromSeconds(1)) errors.Add($"{at}:StatusInterval must be at least 1s, got {o.StatusInterval}.");
        // Each acknowledged write waits about one monitor plus one sync interval, inside the journal's 10 s call timeout.
        if (o.AcknowledgeAfterReplicated && o.MonitorInterval + o.SyncInterval > TimeSpan.FromSeconds(4))
            errors.Add($"{at}:AcknowledgeAfterReplicated needs MonitorInterval + SyncInterval of at most 4s (each acknowledged write waits for both), got {o.MonitorInterval + o.SyncInterval}.");
        var names = new HashSet<string>();
        for (var i = 0; i < o.Replicas.Count; i++)
        {
            var r = o.Replicas[i];
            var where = $"{at}:Replicas:{i}";
            if (!names.Add(r.DisplayName)) errors.Add($"{where}: the name '{r.DisplayName}' is used twice; give each replica a Name.");
            switch (r.Type)
            {
                case "file":
                    if (string.IsNullOrWhiteSpace(r.Path)) errors.Add($"{where}: a file replica needs Path (a folder).");
                    break;
                case "s3":
                    if (string.IsNullOrWhiteSpace(r.Bucket)) errors.Add($"{where}: an s3 replica needs Bucket.");
                    if (r.Endpoint is { } e && !Uri.TryCreate(e, UriKind.Absolute, out _)) errors.Add($"{where}: Endpoint '{e}' is not an absolute URL.");
                    if (!CredentialVariables.Any(c => Has(c.Key) && Has(c.Secret)))
                        errors.Add($"{where}: an s3 replica needs credentials in the environment: LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).");
                    break;
                case "":
                    errors.Add($"{where}: Type is missing (file or s3).");
                    break;
                default:
                    errors.Add($"{where}: unknown Type '{r.Type}' (use file or s3).");
                    break;
            }
        }
        return errors;
    }

    /// <summary>Litestream's YAML for one database. Values are JSON strings, which YAML reads as plain scalars; no secrets.</summary>
    public static string Render(string databasePath, ReplicationOptions o) => Render([(databasePath, o)]);

    /// <summary>Litestream's YAML for several databases (each with its own replicas), replicated by one process.</summary>
    public static string Render(IEnumerable<(string DatabasePath, ReplicationOptions Options)> databases)
    {
        var y = new StringBuilder();
        y.AppendLine("# Rendered by Steadfast from its host options; edits are overwritten at the next start.");
        y.AppendLine("dbs:");
        foreach (var (databasePath, o) in databases) RenderDatabase(y, databasePath, o);
        return y.ToString();
    }

    private static void RenderDatabase(StringBuilder y, string databasePath, ReplicationOptions o)
    {
        y.AppendLine($"  - path: {Q(databasePath)}");
        y.AppendLine($"    monitor-interval: {GoDuration.Format(o.MonitorInterval)}");
        y.AppendLine("    replicas:");
        foreach (var r in o.Replicas)
        {
            y.AppendLine($"      - name: {Q(r.DisplayName)}");
            y.AppendLine($"        type: {r.Type}");
            if (r.Type == "file") y.AppendLine($"        path: {Q(System.IO.Path.GetFullPath(r.Path!))}");
            else
            {
                y.AppendLine($"        bucket: {Q(r.Bucket!)}");
                if (!string.IsNullOrEmpty(r.Path)) y.AppendLine($"        path: {Q(r.Path)}");
                if (r.Endpoint is { } e) y.AppendLine($"        endpoint: {Q(e)}");
                y.AppendLine($"        region: {Q(r.Region)}");
                y.AppendLine($"        force-path-style: {(r.ForcePathStyle ? "true" : "false")}");
            }
            y.AppendLine($"        sync-interval: {GoDuration.Format(o.SyncInterval)}");
            y.AppendLine($"        snapshot-interval: {GoDuration.Format(o.SnapshotInterval)}");
            y.AppendLine($"        retention: {GoDuration.Format(o.Retention)}");
        }
    }

    private static bool Has(string variable) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable));

    private static string Q(string s) => JsonSerializer.Serialize(s);
}
