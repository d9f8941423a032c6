using Steadfast.Cli.Inspection;
using Steadfast.Hosting;
using Steadfast.Hosting.Fleet;
using Steadfast.Hosting.Replication;

namespace Steadfast.Cli.Cli;

/// <summary>
/// Where the fleet's replicas live, for the observer: a folder (file replicas, one subfolder per host or tenant) or an
/// S3 bucket and prefix (one key prefix each). Lists the summaries without touching a journal, and restores the replica
/// a summary sits next to.
/// </summary>
internal abstract class FleetSource : IDisposable
{
    /// <summary>The summaries found, each with its replica's place (folder or key prefix, relative to the root), and what could not be read.</summary>
    public abstract Task<(List<(string Place, FleetSummary Summary)> Rows, List<(string File, string Problem)> Skipped)> ScanAsync(CancellationToken cancellationToken);

    /// <summary>Restores the newest generation of the replica at <paramref name="place"/> into <paramref name="target"/>; null when no replica is there.</summary>
    public abstract Task<string?> RestoreAsync(string place, string target, CancellationToken cancellationToken);

    public virtual void Dispose() { }

    /// <summary>A folder path or file:// URL, or an s3://bucket/prefix URL (with <paramref name="endpoint"/> for S3-compatible servers).</summary>
    public static FleetSource Open(string replica, string? endpoint, string region)
    {
        if (Uri.TryCreate(replica, UriKind.Absolute, out var url) && url.Scheme == "s3")
            return new S3Source(new ReplicaOptions { Type = "s3", Name = "fleet", Bucket = url.Host, Path = url.AbsolutePath.Trim('/'), Endpoint = endpoint, Region = region });
        if (endpoint is not null) throw new OptionsValidationException(["--endpoint applies only to an s3:// replica URL."]);
        var root = Path.GetFullPath(url is { IsFile: true } ? url.LocalPath : replica);
        if (!Directory.Exists(root)) throw new InspectionException(InspectionError.MissingReplica, $"The replica folder {root} does not exist.");
        return new FolderSource(root);
    }

    /// <summary>How far below the root summaries are looked for: host, tenant, and two levels of the operator's own layout.</summary>
    private const int MaxDepth = 4;

    /// <summary>An S3 or network failure (the SDK reports its own timeout as a cancellation), not the caller's cancellation.</summary>
    private static bool Unreachable(Exception e, CancellationToken cancellationToken) =>
        e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException or IOException
        || e is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    protected static void Add(string source, string text, string place, List<(string, FleetSummary)> rows, List<(string, string)> skipped)
    {
        if (FleetSummary.Parse(text, out var problem) is { } summary) rows.Add((place, summary));
        else skipped.Add((source, problem!));
    }

    private sealed class FolderSource(string root) : FleetSource
    {
        public override Task<(List<(string Place, FleetSummary Summary)> Rows, List<(string File, string Problem)> Skipped)> ScanAsync(CancellationToken cancellationToken)
        {
            var rows = new List<(string, FleetSummary)>();
            var skipped = new List<(string, string)>();
            var files = Directory.EnumerateFiles(root, FleetSummary.FileName,
                new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
            foreach (var file in files.Order())
            {
                try
                {
                    Add(file, File.ReadAllText(file), Path.GetRelativePath(root, Path.GetDirectoryName(file)!), rows, skipped);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    skipped.Add((file, e.Message));
                }
            }
            return Task.FromResult((rows, skipped));
        }

        public override Task<string?> RestoreAsync(string place, string target, CancellationToken cancellationToken) =>
            Litestream.RestoreUrlAsync(LitestreamBinary.Find(null), new Uri(Path.Combine(root, place)).AbsoluteUri, target, cancellationToken);
    }

    private sealed class S3Source(ReplicaOptions bucket) : FleetSource
    {
        private readonly S3Objects _objects = new(bucket);

        public override async Task<(List<(string Place, FleetSummary Summary)> Rows, List<(string File, string Problem)> Skipped)> ScanAsync(CancellationToken cancellationToken)
        {
            var rows = new List<(string, FleetSummary)>();
            var skipped = new List<(string, string)>();
            var prefix = (bucket.Path ?? "").Trim('/');
            List<string> keys;
            try
            {
                keys = await _objects.FindAsync(prefix, FleetSummary.FileName, MaxDepth, cancellationToken);
            }
            catch (Exception e) when (Unreachable(e, cancellationToken))
            {
                throw new ReplicationException($"Listing s3://{bucket.Bucket}/{prefix} failed: {e.Message}");
            }
            foreach (var key in keys.Order(StringComparer.Ordinal))
            {
                var folder = key[..^FleetSummary.FileName.Length].TrimEnd('/');
                var place = folder.Length > prefix.Length ? folder[prefix.Length..].TrimStart('/') : ".";
                try
                {
                    Add($"s3://{bucket.Bucket}/{key}", await _objects.GetTextAsync(key, cancellationToken), place, rows, skipped);
                }
                catch (Exception e) when (Unreachable(e, cancellationToken)) // deleted since the listing, or not ours to read: that one only
                {
                    skipped.Add(($"s3://{bucket.Bucket}/{key}", e.Message));
                }
            }
            return (rows, skipped);
        }

        public override Task<string?> RestoreAsync(string place, string target, CancellationToken cancellationToken)
        {
            var replica = new ReplicaOptions
            {
                Type = "s3", Name = "fleet", Bucket = bucket.Bucket, Endpoint = bucket.Endpoint, Region = bucket.Region,
                Path = place == "." ? bucket.Path : $"{bucket.Path?.TrimEnd('/')}/{place}".TrimStart('/'),
            };
            return Litestream.RestoreFromAsync(replica, target, cancellationToken);
        }

        public override void Dispose() => _objects.Dispose();
    }
}
