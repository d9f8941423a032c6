using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Config;
using Microsoft.Data.Sqlite;
using Steadfast.Actors;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;

namespace Steadfast.Hosting;

/// <summary>
/// Starts and stops tenants in a running actor system: a tenant's file (restored, checked, replicated by
/// <see cref="TenantJournals"/> when the host has it, else only prepared), its plugins (configured when it starts, from
/// the default plugins' resolved configuration; new plugin ids for each incarnation), and its router, or in its place a
/// <see cref="FaultedJournalRouter"/> that answers with the reason its file could not be opened.
/// </summary>
internal sealed class TenantLifecycle(ActorSystem system, SteadfastOptions options, SteadfastRegistry registry, IServiceProvider services,
    TenantJournals? journals, SteadfastSettings settings)
{
    private static readonly TimeSpan NameFreedWithin = TimeSpan.FromSeconds(5);

    /// <summary>Null when <paramref name="tenant"/> can be a tenant of this host, else why not.</summary>
    public string? NameProblem(string tenant) => options.TenantProblem(tenant);

    /// <summary>Starts a tenant while the host runs: opens its file, then its plugins and router (or the faulted stand-in).</summary>
    public async Task<(IActorRef Router, string? Fault)> StartAsync(string tenant, int incarnation, CancellationToken cancellationToken)
    {
        if (CoordinatedShutdown.Get(system).ShutdownReason is not null) throw new InvalidOperationException("The host is stopping: no tenant is started now.");
        var journal = options.ForTenant(tenant).Journal with { Incarnation = incarnation };
        var fault = journals is not null ? await journals.StartTenantAsync(tenant, cancellationToken) : Prepare(journal);
        try
        {
            var started = await WhenNameFreeAsync(() => StartRouter(journal, fault));
            if (fault is null) await PluginsStartedAsync(journal); // before another tenant's options are added beside theirs
            return started;
        }
        catch when (fault is null && journals is not null)
        {
            await journals.StopTenantAsync(tenant, CancellationToken.None); // nothing is left running for a tenant that did not start
            throw;
        }
    }

    /// <summary>Starts a configured tenant's router; its file was opened before Akka started (or, embedded without the hosted services, is prepared now).</summary>
    public (IActorRef Router, string? Fault) StartConfigured(string tenant)
    {
        var journal = options.ForTenant(tenant).Journal;
        return StartRouter(journal, journals is not null ? journals.Faults.GetValueOrDefault(tenant) : Prepare(journal));
    }

    /// <summary>Waits until the plugins of <paramref name="journal"/> exist (constructed: they have read their connection options).</summary>
    public async Task PluginsStartedAsync(TenantJournal journal)
    {
        var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
        await persistence.JournalFor(journal.JournalPluginId).Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30));
        await persistence.SnapshotStoreFor(journal.SnapshotPluginId).Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30));
    }

    private (IActorRef Router, string? Fault) StartRouter(TenantJournal journal, string? fault)
    {
        if (fault is not null) return (system.ActorOf(FaultedJournalRouter.Props(journal.Tenant!, fault), journal.RouterName), fault);
        ConfigurePlugins(journal);
        return (SteadfastActorSystem.StartRouter(system, registry, services, journal), null);
    }

    // A tenant's plugin blocks: its ids and file over the default plugins' blocks as resolved (the user's overrides
    // included, and what Akka.Persistence itself reads there: circuit breaker, replay filter, dispatcher, timeouts).
    private void ConfigurePlugins(TenantJournal journal)
    {
        var config = system.Settings.Config;
        if (!config.HasPath(journal.JournalPluginId))
            system.Settings.InjectTopLevelFallback(StorageConfig.ForTenant(journal)
                .WithFallback(config.GetConfig(TenantJournal.DefaultJournalPluginId).MoveTo(journal.JournalPluginId))
                .WithFallback(config.GetConfig(TenantJournal.DefaultSnapshotPluginId).MoveTo(journal.SnapshotPluginId)));
        // The setup is a plain dictionary the plugins read as they start: written only for ids not known at start, and
        // only once every plugin started before has read it (PluginsStartedAsync, under SteadfastTenants' lock).
        if (system.Settings.Setup.Get<MultiDataOptionsSetup>() is { HasValue: true } setup && !setup.Value.TryGetDataOptionsFor(journal.JournalPluginId, out _))
            StorageConfig.AddSqliteOptions(setup.Value, journal);
    }

    /// <summary>Stops <paramref name="tenant"/>: refuses new requests, waits for its journal writes, stops its router and plugins, then its replication (last frames shipped).</summary>
    public async Task StopAsync(string tenant, int incarnation, IActorRef router, CancellationToken cancellationToken)
    {
        await DrainAsync(router);
        await StopRouterAndPluginsAsync(tenant, incarnation, router);
        if (journals is not null) await journals.StopTenantAsync(tenant, cancellationToken);
    }

    /// <summary>Stops a tenant's router, plugins and replication at once (its file is gone) and puts the faulted stand-in in its place.</summary>
    public async Task<IActorRef> FaultAsync(string tenant, int incarnation, IActorRef router, string reason)
    {
        await StopRouterAndPluginsAsync(tenant, incarnation, router);
        if (journals is not null) await journals.StopTenantAsync(tenant, CancellationToken.None);
        return await WhenNameFreeAsync(() => system.ActorOf(FaultedJournalRouter.Props(tenant, reason), options.ForTenant(tenant).Journal.RouterName));
    }

    // The name of a router stopped a moment ago is freed by its parent a little after it terminated.
    private static async Task<T> WhenNameFreeAsync<T>(Func<T> start)
    {
        for (var deadline = DateTime.UtcNow + NameFreedWithin; ; await Task.Delay(50))
        {
            try
            {
                return start();
            }
            catch (InvalidActorNameException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    // The plugins of a stopped incarnation are stopped too and their pooled connections closed: the next incarnation
    // (new ids) opens the file as it is then, not a deleted or replaced one through old connections.
    private async Task StopRouterAndPluginsAsync(string tenant, int incarnation, IActorRef router)
    {
        try
        {
            await router.GracefulStop(settings.DrainTimeout + TimeSpan.FromSeconds(5));
        }
        catch (TaskCanceledException)
        {
            system.Log.Warning("The router of tenant {0} did not stop within {1}", tenant, settings.DrainTimeout + TimeSpan.FromSeconds(5));
        }
        var journal = options.ForTenant(tenant).Journal with { Incarnation = incarnation };
        if (system.Settings.Config.HasPath(journal.JournalPluginId))
        {
            var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
            persistence.JournalFor(journal.JournalPluginId).Tell(PoisonPill.Instance);
            persistence.SnapshotStoreFor(journal.SnapshotPluginId).Tell(PoisonPill.Instance);
        }
        using (var plugin = new SqliteConnection(StorageConfig.ConnectionString(journal.DatabasePath))) SqliteConnection.ClearPool(plugin);
        using (var reads = new SqliteConnection(ReadOnlyOpen.Shared(journal.DatabasePath))) SqliteConnection.ClearPool(reads);
    }

    /// <summary>Refuses new requests and waits (up to the drain timeout) for the journal writes in flight.</summary>
    public async Task DrainAsync(IActorRef router)
    {
        try
        {
            await router.Ask<object>(DrainWorkflows.Instance, settings.DrainTimeout + TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
            // the router logged which workflows were still writing
        }
    }

    // Embedded without AddSteadfast (no TenantJournals): a file that cannot be opened faults its tenant alone.
    private string? Prepare(TenantJournal journal)
    {
        try
        {
            JournalFile.Prepare(journal.DatabasePath, options.AllowNewerJournal);
            return null;
        }
        catch (Exception e)
        {
            system.Log.Error("Tenant {0} is FAULTED and does not start: {1} Its journal {2} is left as it was; every other tenant runs.", journal.Tenant, e.Message, journal.DatabasePath);
            return e.Message;
        }
    }
}
