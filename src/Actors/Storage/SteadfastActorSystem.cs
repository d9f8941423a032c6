using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Steadfast.Actors.Serialization;
using Steadfast.Runtime;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The one composition of Steadfast in an actor system, used by the hosting library's <c>WithSteadfast</c> and by the
/// test harness alike: the journal and serializer configuration, the setup HOCON cannot express (the plugin's connection
/// options), and the router.
/// </summary>
public static class SteadfastActorSystem
{
    /// <summary>The name of the router actor (<c>/user/steadfast</c>).</summary>
    public const string RouterName = "steadfast";

    /// <summary>The configuration for the default journal at <paramref name="databasePath"/>, over Steadfast's defaults (a tenant's plugins are added when it starts).</summary>
    public static Config Config(string databasePath) =>
        StorageConfig.ForSqlite(databasePath).WithFallback(Serializer).WithFallback(SteadfastSettings.Reference);

    /// <summary>The configuration for a journal on PostgreSQL (<paramref name="connectionString"/>), over Steadfast's defaults; no setup is needed.</summary>
    public static Config PostgreSqlConfig(string connectionString) =>
        PostgreSqlJournal.Config(connectionString).WithFallback(Serializer).WithFallback(SteadfastSettings.Reference);

    /// <summary>The setups to add to the actor system: the plugins' connection options for every journal known at start.</summary>
    public static IReadOnlyList<Setup> Setups(string databasePath, IEnumerable<TenantJournal>? tenants = null) =>
        [StorageConfig.SqliteSetup([TenantJournal.Default(databasePath), .. tenants ?? []])];

    /// <summary>
    /// Stores history events and snapshots with <see cref="SteadfastSerializer"/> (its <see cref="SteadfastSerializer.Id"/>
    /// is written with every row). HOCON rather than a <c>SerializationSetup</c>: an actor system holds one setup per type,
    /// so an embedder's own serializer setup would replace Steadfast's (or Steadfast's theirs), while HOCON bindings merge.
    /// </summary>
    private static Config Serializer { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.steadfast = "{{typeof(SteadfastSerializer).AssemblyQualifiedName}}"
          serialization-bindings {
            "{{typeof(HistoryEvent).AssemblyQualifiedName}}" = steadfast
            "{{typeof(WorkflowSnapshot).AssemblyQualifiedName}}" = steadfast
          }
        }
        """);

    /// <summary>A complete bootstrap for an actor system of its own (tests, tools): <paramref name="config"/> over <see cref="Config"/>, plus <see cref="Setups"/>.</summary>
    public static ActorSystemSetup Bootstrap(string databasePath, Config? config = null) =>
        ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig((config ?? Akka.Configuration.Config.Empty).WithFallback(Config(databasePath))),
            ..Setups(databasePath)]);

    /// <summary>Starts the router for the default journal at <paramref name="databasePath"/>; its <c>PreStart</c> starts the journal plugins.</summary>
    public static IActorRef StartRouter(ActorSystem system, SteadfastRegistry registry, IServiceProvider services, string databasePath) =>
        StartRouter(system, registry, services, TenantJournal.Default(databasePath));

    /// <summary>Starts the router of the default journal on PostgreSQL.</summary>
    public static IActorRef StartPostgreSqlRouter(ActorSystem system, SteadfastRegistry registry, IServiceProvider services, string connectionString)
    {
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, static () => { }); // see StartRouter
        return system.ActorOf(WorkflowRouter.Props(registry, SteadfastSettings.From(system.Settings.Config), services, PostgreSqlJournal.Reads(connectionString)), RouterName);
    }

    /// <summary>Starts the router of <paramref name="journal"/> (<see cref="TenantJournal.RouterName"/>), whose workflows write to its plugins.</summary>
    public static IActorRef StartRouter(ActorSystem system, SteadfastRegistry registry, IServiceProvider services, TenantJournal journal)
    {
        // Start Akka's scheduler here, on the composing thread (~2 ms), rather than leave it to the router's PreStart
        // on a pool thread busy with the system's start (W4 resume of 10,000 workflows: +0.5 s; see WorkflowRouter.PreStart).
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, static () => { });
        var settings = SteadfastSettings.From(system.Settings.Config);
        if (journal.Tenant is not null) settings = settings with { JournalPluginId = journal.JournalPluginId, SnapshotPluginId = journal.SnapshotPluginId };
        return system.ActorOf(WorkflowRouter.Props(registry, settings, services, JournalReads.ForFile(journal.DatabasePath)), journal.RouterName);
    }
}
