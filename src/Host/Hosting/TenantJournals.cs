using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Hosting.Fleet;
using Steadfast.Hosting.Replication;

namespace Steadfast.Hosting;

/// <summary>
/// The tenants' journal files before and after Akka, as <see cref="LitestreamSupervisor"/> and
/// <see cref="FleetSummaryPublisher"/> do for the default journal: each tenant's file is restored when missing, checked,
/// prepared and replicated on its own, by one Litestream process for all tenants (<see cref="SharedLitestream"/>). A tenant that fails any of that is faulted alone (its file left as it was, the
/// reason logged and answered to its callers); the host and the other tenants start.
/// </summary>
public sealed class TenantJournals(SteadfastOptions options, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (LitestreamSupervisor Replication, FleetSummaryPublisher Summary)> _running = new();
    private readonly ConcurrentDictionary<string, string> _faults = new();
    private readonly ILogger _log = loggers.CreateLogger<TenantJournals>();

    // One Litestream process replicates every tenant (data/litestream-tenants.yml); the default journal keeps its own.
    private readonly Lazy<SharedLitestream> _shared = new(() => new SharedLitestream(LitestreamBinary.Find(options.Replication.LitestreamPath),
        Path.Combine(Path.GetDirectoryName(options.DatabasePath)!, "litestream-tenants.yml"), loggers.CreateLogger<SharedLitestream>()));

    /// <summary>Why a configured tenant's journal could not be opened, by tenant (after <see cref="StartAsync"/>).</summary>
    public IReadOnlyDictionary<string, string> Faults => _faults;

    /// <summary>Before Akka starts: every configured tenant's file.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var tenant in options.Tenants)
            if (await StartTenantAsync(tenant, cancellationToken) is { } fault) _faults[tenant] = fault;
    }

    /// <summary>Restores, checks, prepares and replicates <paramref name="tenant"/>'s file; returns why it cannot be used, or null.</summary>
    internal async Task<string?> StartTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        var tenantOptions = options.ForTenant(tenant);
        var replication = new LitestreamSupervisor(tenantOptions, loggers.CreateLogger<LitestreamSupervisor>())
        {
            Shared = options.Replication.Enabled ? _shared.Value : null,
        };
        try
        {
            await replication.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.TenantFaulted(tenant, tenantOptions.DatabasePath, e.Message);
            return e.Message;
        }
        // Its lifetime is the tenant's, not the caller's token's (a BackgroundService stops when its start token fires).
        var summary = new FleetSummaryPublisher(tenantOptions, replication, loggers.CreateLogger<FleetSummaryPublisher>());
        await summary.StartAsync(CancellationToken.None);
        if (!_running.TryAdd(tenant, (replication, summary))) // never two supervisors on one file
        {
            await summary.StopAsync(CancellationToken.None);
            await replication.StopAsync(CancellationToken.None);
            throw new InvalidOperationException($"Tenant '{tenant}' is already being replicated.");
        }
        return null;
    }

    /// <summary>After the tenant's router stopped: its last summary, then its last frames.</summary>
    internal async Task StopTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        _faults.TryRemove(tenant, out _);
        if (!_running.TryRemove(tenant, out var running)) return;
        await running.Summary.StopAsync(cancellationToken);
        await running.Replication.StopAsync(cancellationToken);
    }

    /// <summary>After Akka has stopped (registered before it): every tenant still running, then the shared Litestream.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_shared.IsValueCreated) _shared.Value.Close(); // each tenant ships what is at stake, then one SIGTERM ships the rest
        await Task.WhenAll(_running.Keys.ToList().Select(tenant => StopTenantAsync(tenant, cancellationToken)));
        if (_shared.IsValueCreated) await _shared.Value.DisposeAsync();
    }

    /// <summary>A host disposed without being stopped (a failed start, a test) must not leave the tenants' Litestream running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_shared.IsValueCreated) await _shared.Value.DisposeAsync();
    }
}
