using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Steadfast.Actors;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;

namespace Steadfast.Hosting;

/// <summary>Embeds Steadfast in an Akka.Hosting actor system.</summary>
public static class SteadfastHostingExtensions
{
    /// <summary>
    /// Adds the SQLite journal, the Steadfast serializer and the workflow router actor (registered as
    /// <see cref="WorkflowRouter"/> in Akka.Hosting's ActorRegistry). The journal file is checked and
    /// switched to WAL when the actor system starts (not when the host is built, which would be before a restore):
    /// a foreign or corrupt file stops the host with a specific error.
    /// </summary>
    public static AkkaConfigurationBuilder WithSteadfast(this AkkaConfigurationBuilder builder, SteadfastOptions options, SteadfastRegistry registry) =>
        builder.AddSteadfastTo(options, registry, journalPrepared: false);

    // AddSteadfast's LitestreamSupervisor prepares the journal before Akka starts (it must, before replicating): once is enough.
    private static AkkaConfigurationBuilder AddSteadfastTo(this AkkaConfigurationBuilder builder, SteadfastOptions options, SteadfastRegistry registry,
        bool journalPrepared)
    {
        options.Validate();
        if (options.AkkaConfigFile is { } overrides)
            builder.AddHocon(ConfigurationFactory.ParseString(File.ReadAllText(overrides)), HoconAddMode.Prepend);
        var tenantJournals = options.Journals.Where(j => j.Tenant is not null).ToList();
        builder.AddHocon(SteadfastActorSystem.Config(options.DatabasePath, tenantJournals), HoconAddMode.Append);
        foreach (var setup in SteadfastActorSystem.Setups(options.DatabasePath, tenantJournals)) builder.AddSetup(setup);
        builder.WithActors((system, actors, resolver) =>
        {
            if (!journalPrepared) JournalFile.Prepare(options.DatabasePath, options.AllowNewerJournal);
            var settings = SteadfastSettings.From(system.Settings.Config);
            var services = resolver.GetService<IServiceProvider>();
            var workflows = SteadfastActorSystem.StartRouter(system, registry, services, options.DatabasePath);
            actors.Register<WorkflowRouter>(workflows);
            var routers = new List<IActorRef> { workflows };
            var faults = services.GetService<TenantJournals>()?.Faults;
            var tenants = services.GetService<SteadfastTenants>();
            foreach (var journal in tenantJournals)
            {
                var tenant = journal.Tenant!;
                var fault = faults?.GetValueOrDefault(tenant) ?? (journalPrepared ? null : PrepareTenant(journal, options, system));
                var router = fault is null ? SteadfastActorSystem.StartRouter(system, registry, services, journal)
                    : system.ActorOf(FaultedJournalRouter.Props(tenant, fault), journal.RouterName);
                tenants?.Add(tenant, router, fault);
                routers.Add(router);
            }
            // Graceful stop: refuse new requests, let journal writes in flight finish and acknowledge, then let
            // Akka stop (and after it the host stops Litestream, which ships the last frames).
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "steadfast-drain", async () =>
            {
                await Task.WhenAll(routers.Select(async router =>
                {
                    try
                    {
                        await router.Ask<object>(DrainWorkflows.Instance, settings.DrainTimeout + TimeSpan.FromSeconds(1));
                    }
                    catch (AskTimeoutException)
                    {
                        // the router logged which workflows were still writing
                    }
                }));
                return Done.Instance;
            });
        });
        return builder;
    }

    // Embedded without AddSteadfast (nothing prepared the tenants' files before Akka): a file that cannot be opened faults its tenant alone.
    private static string? PrepareTenant(TenantJournal journal, SteadfastOptions options, ActorSystem system)
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

    /// <summary>
    /// Everything Steadfast needs in a .NET generic host, in one call: Litestream replication when configured (restore,
    /// supervision, last frames at stop), the journal-file guard, the disk watch, an actor system with Steadfast whose
    /// Akka log goes through Microsoft.Extensions.Logging, and a <see cref="WorkflowClient"/>. Use
    /// <see cref="WithSteadfast"/> instead to add Steadfast to an actor system you configure yourself (then only the
    /// journal, the router and the drain at shutdown are wired).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="options">Where the journal lives, replication (validated here).</param>
    /// <param name="registry">The workflows and activities.</param>
    /// <param name="actorSystemName">The actor system's name.</param>
    /// <param name="clientTimeout">How long each <see cref="WorkflowClient"/> request waits (default 30 s).</param>
    /// <param name="akkaLogLevel">Akka's own log level (default Info).</param>
    public static IServiceCollection AddSteadfast(this IServiceCollection services, SteadfastOptions options, SteadfastRegistry registry,
        string actorSystemName = "steadfast", TimeSpan? clientTimeout = null, Akka.Event.LogLevel akkaLogLevel = Akka.Event.LogLevel.InfoLevel)
    {
        options.Validate();
        // Registered before Akka: started first (restore, WAL) and stopped last (Litestream ships the last frames).
        services.AddSingleton(options);
        services.AddSingleton<Replication.LitestreamSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<Replication.LitestreamSupervisor>());
        services.AddHostedService<JournalFileGuard>();
        services.AddSingleton<TenantJournals>();
        services.AddHostedService(sp => sp.GetRequiredService<TenantJournals>());
        // Before Akka too: it stops after Akka's drain, so its last summary holds the last write.
        services.AddSingleton<Fleet.FleetSummaryPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<Fleet.FleetSummaryPublisher>());
        services.AddAkka(actorSystemName, (akka, _) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = akkaLogLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .AddSteadfastTo(options, registry, journalPrepared: true));
        services.AddWorkflowClient(clientTimeout);
        services.AddSingleton<DiskSpaceWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<DiskSpaceWatch>()); // after Akka: it tells the router
        return services;
    }

    /// <summary>Registers a <see cref="WorkflowClient"/> over the router actor for code outside the actor system, and <see cref="SteadfastTenants"/> for the tenants' clients.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="timeout">How long each request waits for the host's answer (default 30 s); then <see cref="WorkflowTimeoutException"/>.</param>
    public static IServiceCollection AddWorkflowClient(this IServiceCollection services, TimeSpan? timeout = null)
    {
        services.TryAddSingleton(new SteadfastTenants(timeout)); // filled when the actor system starts
        return services.AddSingleton(sp => new WorkflowClient(sp.GetRequiredService<IRequiredActor<WorkflowRouter>>().ActorRef, timeout));
    }
}
