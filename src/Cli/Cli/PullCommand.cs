using System.CommandLine;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast pull</c>: restore a journal from a replica to a local file, on any machine.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var replica = new Option<string>("--replica") { Description = "A host config (steadfast.json) naming the replica, or a Litestream replica URL (file:///path, s3://bucket/path).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the database (must not exist).", Required = true };
        var endpoint = new Option<string?>("--endpoint") { Description = "With an s3:// URL: the S3-compatible server, e.g. http://127.0.0.1:9000 (path-style addressing). Default: AWS." };
        var region = new Option<string>("--region") { Description = "With an s3:// URL: the region.", DefaultValueFactory = _ => "us-east-1" };
        var command = new Command("pull", "Restore a journal from a Litestream replica to a local file for inspection.") { replica, output, endpoint, region };
        command.Validators.Add(r =>
        {
            var source = r.GetValue(replica) ?? "";
            if (r.GetValue(endpoint) is not null && !source.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
                r.AddError("--endpoint applies only to an s3:// replica URL.");
            if (r.GetResult(region) is { Implicit: false } && r.GetValue(endpoint) is null)
                r.AddError("--region applies only with --endpoint (for AWS, Litestream finds the bucket's region itself).");
            if (r.GetValue(endpoint) is { } e && !Uri.TryCreate(e, UriKind.Absolute, out _))
                r.AddError($"--endpoint must be an absolute URL such as http://127.0.0.1:9000, got '{e}'.");
        });
        command.SetAction(async (p, cancel) =>
        {
            var target = Path.GetFullPath(p.GetValue(output)!);
            if (File.Exists(target)) throw new OptionsValidationException([$"{target} already exists; pull writes only to a new file."]);
            var source = p.GetValue(replica)!;
            string? position;
            if (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                var options = SteadfastHost.LoadOptions(source);
                if (!options.Replication.Enabled) throw new OptionsValidationException([$"{source} does not enable replication: it names no replica."]);
                position = await Litestream.For(options).RestoreAsync(target, cancel);
            }
            else if (S3Replica(source, p.GetValue(endpoint), p.GetValue(region)!) is { } s3)
            {
                position = await Litestream.RestoreFromAsync(s3, target, cancel);
            }
            else
            {
                position = await Litestream.RestoreUrlAsync(LitestreamBinary.Find(null), source, target, cancel);
            }
            if (position is null)
            {
                Console.Error.WriteLine($"No replica found at {source}: nothing pulled.");
                return 4;
            }
            Console.WriteLine($"Pulled {target} ({position}). Inspect it with: steadfast list --db {target}");
            return 0;
        });
        return command;
    }

    /// <summary>An s3://bucket/path URL with an explicit endpoint as a replica; null for other sources (Litestream reads those itself).</summary>
    private static ReplicaOptions? S3Replica(string source, string? endpoint, string region)
    {
        if (endpoint is null || !Uri.TryCreate(source, UriKind.Absolute, out var url) || url.Scheme != "s3") return null;
        return new ReplicaOptions { Type = "s3", Name = "pull", Bucket = url.Host, Path = url.AbsolutePath.Trim('/'), Endpoint = endpoint, Region = region };
    }
}
