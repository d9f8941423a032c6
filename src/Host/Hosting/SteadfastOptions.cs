using Steadfast.Actors.Storage;
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

    /// <summary>
    /// Tenants served beside the default journal, each with its own journal file (<c>&lt;DataDirectory&gt;/&lt;tenant&gt;.db</c>),
    /// its own replica (each replica's path plus <c>/&lt;tenant&gt;</c>), its own recovery, admission and faults: a tenant whose
    /// file cannot be opened is faulted alone. Default none (only the default journal).
    /// </summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>Where the journal lives: the SQLite file (default) or PostgreSQL.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Litestream replication of the journal.</summary>
    public ReplicationOptions Replication { get; set; } = new();

    /// <summary>The summary this host publishes next to its replicas for <c>steadfast fleet status</c>.</summary>
    public Fleet.FleetOptions Fleet { get; set; } = new();

    /// <summary>The journal's full path.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFile));

    /// <summary>The default journal and each tenant's, as the actor system binds them.</summary>
    public IReadOnlyList<TenantJournal> Journals => [TenantJournal.Default(DatabasePath), .. Tenants.Select(t => ForTenant(t).Journal)];

    /// <summary>The journal these options describe: the default one, or the tenant's of <see cref="ForTenant"/>.</summary>
    public TenantJournal Journal => new(_tenant, DatabasePath);

    private string? _tenant;

    /// <summary>
    /// The options of <paramref name="tenant"/>'s journal: its file in the same folder, its replicas under
    /// <c>&lt;path&gt;/&lt;tenant&gt;</c>, its fleet summary named after it; everything else as here.
    /// </summary>
    public SteadfastOptions ForTenant(string tenant) => new()
    {
        DataDirectory = DataDirectory,
        DatabaseFile = tenant + ".db",
        AkkaConfigFile = AkkaConfigFile,
        AllowNewerJournal = AllowNewerJournal,
        MinFreeDiskMegabytes = MinFreeDiskMegabytes,
        Replication = Replication.ForTenant(tenant),
        Fleet = Fleet.ForTenant(tenant),
        _tenant = tenant,
    };

    /// <summary>Null when <paramref name="tenant"/> can be a tenant here (a valid name, not the default journal's file), else why not.</summary>
    public string? TenantProblem(string tenant) =>
        TenantJournal.NameProblem(tenant) ?? (tenant + ".db" == DatabaseFile ? $"'{tenant}' would share the default journal's file {DatabaseFile}." : null);

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every bad value.</summary>
    public SteadfastOptions Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory)) errors.Add("Steadfast:DataDirectory must not be empty.");
        if (string.IsNullOrWhiteSpace(DatabaseFile) || DatabaseFile.IndexOfAny(['/', '\\']) >= 0)
            errors.Add($"Steadfast:DatabaseFile must be a plain file name, got '{DatabaseFile}'.");
        if (AkkaConfigFile is { } f && !File.Exists(f)) errors.Add($"Steadfast:AkkaConfigFile '{f}' does not exist.");
        if (MinFreeDiskMegabytes is < 0) errors.Add($"Steadfast:MinFreeDiskMegabytes must not be negative, got {MinFreeDiskMegabytes}.");
        var tenants = new HashSet<string>();
        foreach (var tenant in Tenants)
        {
            if (TenantProblem(tenant) is { } problem) errors.Add($"Steadfast:Tenants: {problem}");
            else if (!tenants.Add(tenant)) errors.Add($"Steadfast:Tenants: '{tenant}' is listed twice.");
        }
        errors.AddRange(Storage.Validate(this));
        if (!Storage.IsPostgreSql) errors.AddRange(LitestreamConfig.Validate(Replication)); // Litestream replicates SQLite files only
        errors.AddRange(Fleet.Validate());
        if (errors.Count > 0) throw new OptionsValidationException(errors);
        return this;
    }
}
