using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Sql.Config;
using Steadfast.Actors;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;

namespace Steadfast.Hosting;

/// <summary>
/// Starts and stops tenants in a running actor system: a tenant's file (restored, checked, replicated by
/// <see cref="TenantJournals"/> when the host has it, else only prepared), its plugins' configuration (injected at run
/// time for a tenant added after start), and its router, or in its place a <see cref="FaultedJournalRouter"/> that
/// answers with the reason its file could not be opened.
/// </summary>
internal sealed class TenantLifecycle(ActorSystem system, SteadfastOptions options, SteadfastRegistry registry, IServiceProvider services,
    TenantJournals? journals, SteadfastSettings settings)
{
    /// <summary>Starts a tenant added while the host runs: opens its file, then its router (or the faulted stand-in).</summary>
    public async Task<(IActorRef Router, string? Fault)> StartAsync(string tenant, CancellationToken cancellationToken)
    {
        var journal = options.ForTenant(tenant).Journal;
        return StartRouter(journal, journals is not null ? await journals.StartTenantAsync(tenant, cancellationToken) : Prepare(journal));
    }

    /// <summary>Starts a configured tenant's router; its file was opened before Akka started (or, embedded without the hosted services, is prepared now).</summary>
    public (IActorRef Router, string? Fault) StartConfigured(string tenant)
    {
        var journal = options.ForTenant(tenant).Journal;
        return StartRouter(journal, journals is not null ? journals.Faults.GetValueOrDefault(tenant) : Prepare(journal));
    }

    private (IActorRef Router, string? Fault) StartRouter(TenantJournal journal, string? fault)
    {
        if (fault is not null) return (system.ActorOf(FaultedJournalRouter.Props(journal.Tenant!, fault), journal.RouterName), fault);
        // A tenant configured at start has its plugins in the system's configuration; one added later gets them now.
        if (!system.Settings.Config.HasPath(journal.JournalPluginId))
        {
            system.Settings.InjectTopLevelFallback(StorageConfig.ForTenant(journal));
            if (system.Settings.Setup.Get<MultiDataOptionsSetup>() is { HasValue: true } setup) StorageConfig.AddSqliteOptions(setup.Value, journal);
        }
        return (SteadfastActorSystem.StartRouter(system, registry, services, journal), null);
    }

    /// <summary>Stops <paramref name="tenant"/>: refuses new requests, waits for its journal writes, stops its router, then its replication (last frames shipped).</summary>
    public async Task StopAsync(string tenant, IActorRef router, CancellationToken cancellationToken)
    {
        await DrainAsync(router);
        await router.GracefulStop(settings.DrainTimeout + TimeSpan.FromSeconds(5));
        if (journals is not null) await journals.StopTenantAsync(tenant, cancellationToken);
    }

    /// <summary>Stops a tenant's router and replication at once (its file is gone) and puts the faulted stand-in in its place.</summary>
    public async Task<IActorRef> FaultAsync(string tenant, IActorRef router, string reason)
    {
        await router.GracefulStop(settings.DrainTimeout + TimeSpan.FromSeconds(5));
        if (journals is not null) await journals.StopTenantAsync(tenant, CancellationToken.None);
        return system.ActorOf(FaultedJournalRouter.Props(tenant, reason), options.ForTenant(tenant).Journal.RouterName);
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
