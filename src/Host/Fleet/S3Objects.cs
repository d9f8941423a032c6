using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Steadfast.Hosting.Replication;

namespace Steadfast.Hosting.Fleet;

/// <summary>
/// The few object operations the fleet needs on an S3 replica's bucket (AWS or an S3-compatible server), with the same
/// credentials Litestream reads from the environment; path-style, and checksums only where the API requires them
/// (S3-compatible servers do not all take the newer SDKs' default trailing checksums).
/// </summary>
public sealed class S3Objects : IDisposable
{
    private readonly AmazonS3Client _client;

    /// <summary>A client for the bucket of <paramref name="replica"/> (its endpoint, region and addressing).</summary>
    /// <exception cref="ReplicationException">No credentials in the environment.</exception>
    public S3Objects(ReplicaOptions replica)
    {
        var (key, secret) = LitestreamConfig.CredentialVariables
            .Select(c => (Environment.GetEnvironmentVariable(c.Key), Environment.GetEnvironmentVariable(c.Secret)))
            .FirstOrDefault(c => !string.IsNullOrEmpty(c.Item1) && !string.IsNullOrEmpty(c.Item2));
        if (key is null || secret is null)
            throw new ReplicationException("S3 needs credentials in the environment: LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY (or the AWS_* pair).");
        var config = new AmazonS3Config
        {
            ForcePathStyle = replica.ForcePathStyle,
            AuthenticationRegion = replica.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 2,
        };
        if (replica.Endpoint is { } endpoint) config.ServiceURL = endpoint;
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(replica.Region);
        _client = new AmazonS3Client(new BasicAWSCredentials(key, secret), config);
        Bucket = replica.Bucket!;
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>Writes <paramref name="text"/> to <paramref name="key"/> in one PUT (readers see the old object or the new one, never half).</summary>
    public Task PutTextAsync(string key, string text, CancellationToken cancellationToken) =>
        _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket, Key = key, ContentBody = text, ContentType = "application/json", UseChunkEncoding = false,
        }, cancellationToken);

    /// <summary>
    /// The keys named <paramref name="fileName"/> under <paramref name="prefix"/>, at most <paramref name="depth"/> folders
    /// down. The walk lists one folder level at a time (delimiter <c>/</c>) and never enters <c>generations/</c>, where
    /// Litestream keeps a replica's snapshots and WAL segments: a busy fleet has millions of those objects.
    /// </summary>
    public async Task<List<string>> FindAsync(string prefix, string fileName, int depth, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var folders = new Queue<(string Prefix, int Depth)>([(prefix.Trim('/').Length == 0 ? "" : prefix.Trim('/') + "/", 0)]);
        while (folders.TryDequeue(out var folder))
        {
            var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = folder.Prefix, Delimiter = "/" };
            ListObjectsV2Response page;
            do
            {
                page = await _client.ListObjectsV2Async(request, cancellationToken);
                keys.AddRange((page.S3Objects ?? []).Select(o => o.Key).Where(k => k == folder.Prefix + fileName));
                if (folder.Depth < depth)
                    foreach (var sub in page.CommonPrefixes ?? [])
                        if (!sub.EndsWith("/generations/", StringComparison.Ordinal) && sub != "generations/") folders.Enqueue((sub, folder.Depth + 1));
                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);
        }
        return keys;
    }

    /// <summary>The text of the object at <paramref name="key"/>.</summary>
    public async Task<string> GetTextAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await _client.GetObjectAsync(Bucket, key, cancellationToken);
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
