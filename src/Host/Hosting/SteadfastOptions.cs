using Steadfast.Hosting.Replication;

namespace Steadfast.Hosting;

/// <summary>Host options, bound from the <c>Steadfast</c> section of config/steadfast.json (and <c>Steadfast__*</c> environment variables).</summary>
public sealed class SteadfastOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Steadfast";

    /// <summary>Folder of the journal file. Default <c>data</c>, relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>File name of the SQLite journal inside <see cref="DataDirectory"/>. Default <c>steadfast.db</c>.</summary>
    public string DatabaseFile { get; set; } = "steadfast.db";

    /// <summary>Optional HOCON file with Akka and engine overrides (e.g. config/akka.conf). Default none.</summary>
    public string? AkkaConfigFile { get; set; }

    /// <summary>
    /// Start on a journal written by a newer Steadfast (its format marker is higher than this version's). Default false:
    /// such a host is refused (exit 6). When true, workflows with events this version cannot read stay Faulted.
    /// </summary>
    public bool AllowNewerJournal { get; set; }

    /// <summary>
    /// Free space on the journal's volume below which new starts are refused (<c>Overloaded</c>) while running workflows
    /// go on. Default: 5 % of the volume, at most 256 MB; 0 turns the check off.
    /// </summary>
    public long? MinFreeDiskMegabytes { get; set; }

    /// <summary>Litestream replication of the journal.</summary>
    public ReplicationOptions Replication { get; set; } = new();

    /// <summary>The summary this host publishes next to its replicas for <c>steadfast fleet status</c>.</summary>
    public Fleet.FleetOptions Fleet { get; set; } = new();

    /// <summary>The journal's full path.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFile));

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every bad value.</summary>
    public SteadfastOptions Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory)) errors.Add("Steadfast:DataDirectory must not be empty.");
        if (string.IsNullOrWhiteSpace(DatabaseFile) || DatabaseFile.IndexOfAny(['/', '\\']) >= 0)
            errors.Add($"Steadfast:DatabaseFile must be a plain file name, got '{DatabaseFile}'.");
        if (AkkaConfigFile is { } f && !File.Exists(f)) errors.Add($"Steadfast:AkkaConfigFile '{f}' does not exist.");
        if (MinFreeDiskMegabytes is < 0) errors.Add($"Steadfast:MinFreeDiskMegabytes must not be negative, got {MinFreeDiskMegabytes}.");
        errors.AddRange(LitestreamConfig.Validate(Replication));
        errors.AddRange(Fleet.Validate());
        if (errors.Count > 0) throw new OptionsValidationException(errors);
        return this;
    }
}
