using System.Text.RegularExpressions;

namespace Steadfast.Hosting.Replication;

/// <summary>Litestream's commands for one journal, with the config rendered from host options.</summary>
public sealed partial class Litestream
{
    private Litestream(string binary, string configPath, string databasePath, bool createdFolder)
    {
        Binary = binary;
        ConfigPath = configPath;
        DatabasePath = databasePath;
        _createdFolder = createdFolder;
    }

    private readonly bool _createdFolder;

    /// <summary>Litestream's own folder beside a journal (<c>.&lt;file&gt;-litestream</c>: its shadow WAL and generation record).</summary>
    public static string MetaFolder(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(databasePath)!, $".{Path.GetFileName(databasePath)}-litestream");

    /// <summary>The file naming the generation Litestream replicates the journal in.</summary>
    public static string GenerationRecord(string databasePath) => Path.Combine(MetaFolder(databasePath), "generation");

    /// <summary>The binary's full path.</summary>
    public string Binary { get; }

    /// <summary>The rendered YAML config.</summary>
    public string ConfigPath { get; }

    /// <summary>The journal file Litestream replicates (the name replicas know it by).</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Finds the binary and writes the config next to the journal (<c>litestream.yml</c>; a tenant's
    /// <c>litestream-&lt;tenant&gt;.yml</c>, for its restore and status commands: its replication runs in the tenants'
    /// shared process, <see cref="SharedLitestream"/>).
    /// </summary>
    public static Litestream For(SteadfastOptions options)
    {
        var binary = LitestreamBinary.Find(options.Replication.LitestreamPath);
        var config = Path.Combine(Path.GetDirectoryName(options.DatabasePath)!,
            options.Journal.Tenant is { } tenant ? $"litestream-{tenant}.yml" : "litestream.yml");
        var createdFolder = !Directory.Exists(Path.GetDirectoryName(config));
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        var yaml = LitestreamConfig.Render(options.DatabasePath, options.Replication);
        // A running host's Litestream may be reading this file (the status and restore commands render it too):
        // never truncate it in place, replace it whole, and only when it changed.
        if (!File.Exists(config) || File.ReadAllText(config) != yaml)
        {
            var temp = config + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, yaml);
            File.Move(temp, config, overwrite: true);
        }
        return new Litestream(binary, config, options.DatabasePath, createdFolder);
    }

    /// <summary>After a start that did not happen: removes the config, and the data folder when this created it and it is empty.</summary>
    public void RemoveConfig()
    {
        File.Delete(ConfigPath);
        var folder = Path.GetDirectoryName(ConfigPath)!;
        if (_createdFolder && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }

    /// <summary>The arguments of <c>litestream replicate</c>.</summary>
    public IEnumerable<string> ReplicateArgs => ["replicate", "-config", ConfigPath];

    /// <summary>
    /// Restores the journal from the newest replica into <paramref name="output"/> (the journal's own path when
    /// null). Returns the restored position, or null when no replica exists yet.
    /// </summary>
    /// <exception cref="ReplicationException">The replica could not be read.</exception>
    public async Task<string?> RestoreAsync(string? output, CancellationToken cancellationToken)
    {
        var args = new List<string> { "restore", "-config", ConfigPath, "-if-replica-exists" };
        if (output is not null) args.AddRange(["-o", Path.GetFullPath(output)]);
        else args.Add("-if-db-not-exists");
        args.Add(DatabasePath);
        return await RunRestoreAsync(Binary, args, output ?? DatabasePath, cancellationToken);
    }

    /// <summary>Restores the newest generation at a replica URL (<c>file:///…</c>, <c>s3://…</c> on AWS) into <paramref name="target"/>.</summary>
    /// <exception cref="ReplicationException">The replica could not be read.</exception>
    public static Task<string?> RestoreUrlAsync(string binary, string url, string target, CancellationToken cancellationToken) =>
        RunRestoreAsync(binary, ["restore", "-if-replica-exists", "-o", Path.GetFullPath(target), url], target, cancellationToken);

    /// <summary>
    /// Restores the newest generation of <paramref name="replica"/> into <paramref name="target"/>, through a config
    /// rendered in a scratch folder (Litestream's URL form cannot name an S3-compatible endpoint).
    /// </summary>
    /// <exception cref="ReplicationException">The replica could not be read.</exception>
    public static async Task<string?> RestoreFromAsync(ReplicaOptions replica, string target, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("steadfast-restore-").FullName;
        try
        {
            var options = new SteadfastOptions { DataDirectory = scratch, Replication = new ReplicationOptions { Enabled = true, Replicas = [replica] } };
            return await For(options).RestoreAsync(target, cancellationToken);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<string?> RunRestoreAsync(string binary, List<string> args, string target, CancellationToken cancellationToken)
    {
        var existed = File.Exists(target);
        var (code, log) = await LitestreamProcess.RunAsync(binary, args, TimeSpan.FromMinutes(30), cancellationToken);
        // Litestream applies the WAL to "<target>.tmp" and renames it: the empty -wal/-shm of that scratch file stay behind.
        foreach (var leftover in new[] { target + ".tmp-wal", target + ".tmp-shm" })
            if (File.Exists(leftover) && new FileInfo(leftover).Length <= 32_768) File.Delete(leftover);
        if (code != 0)
            throw new ReplicationException($"Restoring {target} from the replica failed (litestream exit code {code}): {LastLines(log)}");
        if (existed || !File.Exists(target)) return null;
        var snapshot = SnapshotLine().Match(log);
        var wal = WalLine().Match(log);
        return snapshot.Success
            ? $"replica {snapshot.Groups["replica"].Value}, generation {snapshot.Groups["gen"].Value}, snapshot index {snapshot.Groups["index"].Value}" +
              (wal.Success ? $", WAL up to index {wal.Groups["max"].Value}" : "")
            : "restored";
    }

    /// <summary>Each replica's generation, lag and last sync, from <c>litestream generations</c>.</summary>
    /// <exception cref="ReplicationException">Litestream could not read the replicas.</exception>
    public async Task<IReadOnlyList<ReplicaStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var (code, output) = await LitestreamProcess.RunAsync(Binary, ["generations", "-config", ConfigPath, DatabasePath], TimeSpan.FromSeconds(60), cancellationToken);
        if (code != 0) throw new ReplicationException($"Reading replica generations failed (litestream exit code {code}): {LastLines(output)}");
        return ReplicaStatus.ParseGenerations(output);
    }

    private static string LastLines(string log) => string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));

    [GeneratedRegex(@"msg=""restoring snapshot"".*?replica=(?<replica>\S+) generation=(?<gen>\S+) index=(?<index>\d+)")]
    private static partial Regex SnapshotLine();

    [GeneratedRegex(@"msg=""restoring wal files"".*?index_max=(?<max>\d+)")]
    private static partial Regex WalLine();
}
