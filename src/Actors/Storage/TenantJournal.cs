using System.Text.RegularExpressions;

namespace Steadfast.Actors.Storage;

/// <summary>
/// One journal file and what serves it in an actor system: the host's default journal (<see cref="Tenant"/> null,
/// Akka.Persistence's default plugins, the router <c>/user/steadfast</c>) or a tenant's (its own journal and snapshot
/// plugin ids and its own router <c>/user/steadfast-&lt;tenant&gt;</c>), so that each tenant recovers, admits,
/// faults and stops on its own. A tenant started again in the same actor system (after a fault, or removed and added)
/// is a new <see cref="Incarnation"/> with new plugin ids: the plugins of the last one may still hold connections to a
/// file that was deleted or replaced.
/// </summary>
public sealed partial record TenantJournal(string? Tenant, string DatabasePath, int Incarnation = 1)
{
    /// <summary>The default journal's plugin id; a tenant's is this plus <c>-&lt;tenant&gt;</c>.</summary>
    public const string DefaultJournalPluginId = "akka.persistence.journal.sql";

    /// <summary>The default snapshot store's plugin id; a tenant's is this plus <c>-&lt;tenant&gt;</c>.</summary>
    public const string DefaultSnapshotPluginId = "akka.persistence.snapshot-store.sql";

    /// <summary>The host's default journal at <paramref name="databasePath"/>.</summary>
    public static TenantJournal Default(string databasePath) => new(null, Path.GetFullPath(databasePath));

    /// <summary>The journal plugin's HOCON path.</summary>
    public string JournalPluginId => Tenant is null ? DefaultJournalPluginId : $"{DefaultJournalPluginId}-{Tenant}{IncarnationSuffix}";

    /// <summary>The snapshot store plugin's HOCON path.</summary>
    public string SnapshotPluginId => Tenant is null ? DefaultSnapshotPluginId : $"{DefaultSnapshotPluginId}-{Tenant}{IncarnationSuffix}";

    // '_' is not allowed in tenant names: "acme_2" (acme's second incarnation) cannot be another tenant's id.
    private string IncarnationSuffix => Incarnation > 1 ? $"_{Incarnation}" : "";

    /// <summary>The name of this journal's router under <c>/user</c>.</summary>
    public string RouterName => Tenant is null ? SteadfastActorSystem.RouterName : $"{SteadfastActorSystem.RouterName}-{Tenant}";

    /// <summary>
    /// Null when <paramref name="tenant"/> is a valid tenant name (1-63 lower-case letters, digits and dashes, starting
    /// with a letter or digit: it names a file, a replica prefix, plugin ids and an actor), else why not.
    /// </summary>
    public static string? NameProblem(string? tenant) =>
        tenant is not null && ValidName().IsMatch(tenant) ? null
            : $"'{tenant}' is not a tenant name: use 1-63 lower-case letters, digits and dashes, starting with a letter or digit.";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ValidName();
}
