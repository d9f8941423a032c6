namespace Steadfast.Hosting.Replication;

/// <summary>
/// One replica target. <c>file</c>: <see cref="Path"/> is a folder. <c>s3</c>: <see cref="Bucket"/>, <see cref="Path"/>
/// (key prefix), <see cref="Endpoint"/> for S3-compatible servers, <see cref="Region"/>, <see cref="ForcePathStyle"/>;
/// credentials only from the environment (<c>LITESTREAM_ACCESS_KEY_ID</c>/<c>LITESTREAM_SECRET_ACCESS_KEY</c> or the
/// <c>AWS_*</c> pair), never from this file.
/// </summary>
public sealed class ReplicaOptions
{
    /// <summary><c>file</c> or <c>s3</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>A name shown in status and logs. Default: the type.</summary>
    public string? Name { get; set; }

    /// <summary>file: the replica folder (relative paths are resolved against the working directory). s3: the key prefix.</summary>
    public string? Path { get; set; }

    /// <summary>s3: the bucket (it must exist).</summary>
    public string? Bucket { get; set; }

    /// <summary>s3: endpoint of an S3-compatible server, e.g. http://127.0.0.1:8080. Null for AWS.</summary>
    public string? Endpoint { get; set; }

    /// <summary>s3: region. Default us-east-1.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>s3: path-style addressing (needed by most S3-compatible servers). Default true.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>The name used in status and Litestream's config.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Type : Name;

    /// <summary>This replica for a tenant: a file replica's folder, or an s3 replica's key prefix, plus <c>/&lt;tenant&gt;</c>.</summary>
    internal ReplicaOptions ForTenant(string tenant)
    {
        var copy = (ReplicaOptions)MemberwiseClone();
        copy.Path = Type == "file" && !string.IsNullOrWhiteSpace(Path) ? System.IO.Path.Combine(Path, tenant)
            : string.IsNullOrEmpty(Path) ? tenant : $"{Path.TrimEnd('/')}/{tenant}";
        return copy;
    }
}
