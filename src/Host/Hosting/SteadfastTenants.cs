using System.Collections.Concurrent;
using Akka.Actor;
using Steadfast.Actors;
using Steadfast.Actors.Storage;

namespace Steadfast.Hosting;

/// <summary>
/// The tenants this host serves beside its default journal (<c>Steadfast:Tenants</c>, and those added while it runs),
/// and a <see cref="WorkflowClient"/> for each. A tenant whose journal could not be opened is listed with its fault, and
/// its client's requests are answered with that reason (<c>Faulted</c>) instead of timing out.
/// </summary>
public sealed class SteadfastTenants(TimeSpan? clientTimeout = null)
{
    private readonly ConcurrentDictionary<string, Served> _tenants = new();
    private readonly SemaphoreSlim _changes = new(1, 1);
    private TenantLifecycle? _lifecycle;
    private Task _configuredPluginsStarted = Task.CompletedTask;
    private object? _pressure; // the last disk pressure told to the routers, told to each new one too

    private sealed record Served(IActorRef Router, string? Fault, int Incarnation);

    /// <summary>The tenants served now, in name order.</summary>
    public IReadOnlyList<string> Names => _tenants.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Why <paramref name="tenant"/> is faulted, or null when it runs.</summary>
    public string? FaultOf(string tenant) => Entry(tenant).Fault;

    /// <summary>The router of <paramref name="tenant"/>'s workflows now (<c>/user/steadfast-&lt;tenant&gt;</c>), for actor-to-actor use.</summary>
    public IActorRef Router(string tenant) => Entry(tenant).Router;

    /// <summary>
    /// A client for <paramref name="tenant"/>'s workflows. It follows the tenant's router when the tenant is faulted or
    /// added again, so it may be kept; once the tenant is removed, its requests throw <see cref="ArgumentException"/>.
    /// </summary>
    /// <exception cref="ArgumentException">This host serves no such tenant.</exception>
    public WorkflowClient Client(string tenant)
    {
        Entry(tenant);
        return new WorkflowClient(() => Router(tenant), clientTimeout);
    }

    /// <summary>
    /// Starts serving <paramref name="tenant"/> while the host runs: its file is restored from its replica when missing
    /// (a tenant moved here), else created; it is replicated and its unfinished workflows resume. Returns null, or why the
    /// tenant is faulted (it is then listed, and answers with that reason).
    /// </summary>
    /// <remarks>A faulted tenant may be added again (its file repaired, or removed to be restored from its replica).</remarks>
    /// <exception cref="ArgumentException">Not a tenant name, the default journal's file, or already served (and not faulted).</exception>
    /// <exception cref="InvalidOperationException">The actor system has not started, or is stopping.</exception>
    public async Task<string?> AddAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var lifecycle = _lifecycle ?? throw new InvalidOperationException("Tenants can be added once the host's actor system has started.");
        if (lifecycle.NameProblem(tenant) is { } problem) throw new ArgumentException(problem, nameof(tenant));
        await _changes.WaitAsync(cancellationToken);
        try
        {
            await _configuredPluginsStarted;
            var incarnation = 1;
            if (_tenants.TryGetValue(tenant, out var served))
            {
                if (served.Fault is null) throw new ArgumentException($"Tenant '{tenant}' is already served here.", nameof(tenant));
                await lifecycle.StopAsync(tenant, served.Incarnation, served.Router, cancellationToken); // the stand-in that answered its fault
                incarnation = served.Incarnation + 1;
            }
            else if (_incarnations.TryGetValue(tenant, out var before)) incarnation = before + 1; // removed, now back
            var (router, fault) = await lifecycle.StartAsync(tenant, incarnation, cancellationToken);
            _incarnations[tenant] = incarnation;
            _tenants[tenant] = new Served(router, fault, incarnation);
            if (_pressure is { } pressure) router.Tell(pressure);
            return fault;
        }
        finally
        {
            _changes.Release();
        }
    }

    private readonly ConcurrentDictionary<string, int> _incarnations = new();

    /// <summary>
    /// Stops serving <paramref name="tenant"/>: new requests are refused, journal writes in flight finish, its workflows
    /// stop, its replica gets the last frames. Its file stays; adding the tenant here or on another host resumes it.
    /// </summary>
    /// <exception cref="ArgumentException">This host serves no such tenant.</exception>
    public async Task RemoveAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var served = Entry(tenant);
            await _lifecycle!.StopAsync(tenant, served.Incarnation, served.Router, cancellationToken);
            _tenants.TryRemove(tenant, out _);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Faults a running <paramref name="tenant"/> whose file went away (deleted, unmounted): its workflows stop at once
    /// (SQLite would go on writing to the deleted file, every write acknowledged and lost) and its callers are answered
    /// with <paramref name="reason"/>. The other tenants and the host run on.
    /// </summary>
    internal async Task FaultAsync(string tenant, string reason)
    {
        await _changes.WaitAsync();
        try
        {
            if (!_tenants.TryGetValue(tenant, out var served) || served.Fault is not null) return;
            var standIn = await _lifecycle!.FaultAsync(tenant, served.Incarnation, served.Router, reason);
            _tenants[tenant] = served with { Router = standIn, Fault = reason };
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>The tenants running now (not faulted).</summary>
    internal IEnumerable<string> Running => _tenants.Where(t => t.Value.Fault is null).Select(t => t.Key).ToList();

    /// <summary>Tells every tenant's router <paramref name="pressure"/> (disk space), and each router started later too.</summary>
    internal void TellAll(DiskPressure pressure)
    {
        _pressure = pressure.Reason is null ? null : pressure;
        foreach (var served in _tenants.Values.ToList()) served.Router.Tell(pressure);
    }

    /// <summary>When the actor system starts: the configured tenants' routers (their files were opened before Akka).</summary>
    internal void Attach(TenantLifecycle lifecycle, IEnumerable<string> tenants)
    {
        var plugins = new List<Task>();
        foreach (var tenant in tenants)
        {
            var (router, fault) = lifecycle.StartConfigured(tenant);
            _tenants[tenant] = new Served(router, fault, 1);
            _incarnations[tenant] = 1;
            if (fault is null) plugins.Add(lifecycle.PluginsStartedAsync(new TenantJournal(tenant, "", 1)));
        }
        _configuredPluginsStarted = Task.WhenAll(plugins);
        _lifecycle = lifecycle;
    }

    /// <summary>At shutdown: every tenant's router refuses new requests and waits for its journal writes.</summary>
    internal Task DrainAsync() => _lifecycle is { } lifecycle ? Task.WhenAll(_tenants.Values.ToList().Select(t => lifecycle.DrainAsync(t.Router))) : Task.CompletedTask;

    private Served Entry(string tenant) => _tenants.TryGetValue(tenant, out var entry) ? entry
        : throw new ArgumentException(_tenants.IsEmpty
            ? $"This host serves no tenant '{tenant}' (it serves only its default journal; list tenants in Steadfast:Tenants)."
            : $"This host serves no tenant '{tenant}'; it serves: {string.Join(", ", Names)}.", nameof(tenant));
}
