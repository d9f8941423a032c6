using Akka;
using Akka.Actor;
using Akka.Configuration;
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
        var postgreSql = options.Storage.IsPostgreSql ? options.Storage.EffectiveConnectionString : null;
        var tenantJournals = options.Journals.Where(j => j.Tenant is not null).ToList();
        if (postgreSql is not null) builder.AddHocon(SteadfastActorSystem.PostgreSqlConfig(postgreSql), HoconAddMode.Append);
        else
        {
            builder.AddHocon(SteadfastActorSystem.Config(options.DatabasePath), HoconAddMode.Append);
            foreach (var setup in SteadfastActorSystem.Setups(options.DatabasePath, tenantJournals)) builder.AddSetup(setup);
        }
        builder.WithActors((system, actors, resolver) =>
        {
            if (!journalPrepared && postgreSql is null) JournalFile.Prepare(options.DatabasePath, options.AllowNewerJournal);
            var settings = SteadfastSettings.From(system.Settings.Config);
            var services = resolver.GetService<IServiceProvider>();
            var workflows = postgreSql is not null ? SteadfastActorSystem.StartPostgreSqlRouter(system, registry, services, postgreSql)
                : SteadfastActorSystem.StartRouter(system, registry, services, options.DatabasePath);
            actors.Register<WorkflowRouter>(workflows);
            // Tenants: each its own router (or, when its file cannot be opened, a stand-in that answers why). Without
            // AddSteadfast/AddWorkflowClient nobody asks for SteadfastTenants: the routers still run, by name.
            var tenants = services.GetService<SteadfastTenants>() ?? new SteadfastTenants();
            tenants.Attach(new TenantLifecycle(system, options, registry, services, services.GetService<TenantJournals>(), settings), options.Tenants);
            // Graceful stop: refuse new requests, let journal writes in flight finish and acknowledge, then let
            // Akka stop (and after it the host stops Litestream, which ships the last frames).
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "steadfast-drain", async () =>
            {
                var drainTenants = tenants.DrainAsync();
                try
                {
                    await workflows.Ask<object>(DrainWorkflows.Instance, settings.DrainTimeout + TimeSpan.FromSeconds(1));
                }
                catch (AskTimeoutException)
                {
                    // the router logged which workflows were still writing
                }
                await drainTenants;
                return Done.Instance;
            });
        });
        return builder;
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
