using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Hosting.Fleet;
using Steadfast.Hosting.Replication;

namespace Steadfast.Hosting;

/// <summary>
/// The tenants' journal files before and after Akka, as <see cref="LitestreamSupervisor"/> and
/// <see cref="FleetSummaryPublisher"/> do for the default journal: each tenant's file is restored when missing, checked,
/// prepared and replicated on its own. A tenant that fails any of that is faulted alone (its file left as it was, the
/// reason logged and answered to its callers); the host and the other tenants start.
/// </summary>
public sealed class TenantJournals(SteadfastOptions options, ILoggerFactory loggers) : IHostedService
{
    private readonly List<(string Tenant, LitestreamSupervisor Replication, FleetSummaryPublisher Summary)> _running = [];
    private readonly Dictionary<string, string> _faults = new();
    private readonly ILogger _log = loggers.CreateLogger<TenantJournals>();

    /// <summary>Why a tenant's journal could not be opened, by tenant (after <see cref="StartAsync"/>).</summary>
    public IReadOnlyDictionary<string, string> Faults => _faults;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var tenant in options.Tenants)
        {
            var tenantOptions = options.ForTenant(tenant);
            var replication = new LitestreamSupervisor(tenantOptions, loggers.CreateLogger<LitestreamSupervisor>());
            try
            {
                await replication.StartAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _faults[tenant] = e.Message;
                _log.TenantFaulted(tenant, tenantOptions.DatabasePath, e.Message);
                continue;
            }
            var summary = new FleetSummaryPublisher(tenantOptions, replication, loggers.CreateLogger<FleetSummaryPublisher>());
            await summary.StartAsync(cancellationToken);
            _running.Add((tenant, replication, summary));
        }
    }

    /// <summary>After Akka has stopped (registered before it): each tenant's last summary, then its last frames.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, replication, summary) in Enumerable.Reverse(_running))
        {
            await summary.StopAsync(cancellationToken);
            await replication.StopAsync(cancellationToken);
        }
    }
}
