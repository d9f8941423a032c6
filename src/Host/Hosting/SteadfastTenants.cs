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
    private readonly ConcurrentDictionary<string, (IActorRef Router, string? Fault)> _tenants = new();
    private readonly SemaphoreSlim _changes = new(1, 1);
    private TenantLifecycle? _lifecycle;

    /// <summary>The tenants served now, in name order.</summary>
    public IReadOnlyList<string> Names => _tenants.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Why <paramref name="tenant"/> is faulted, or null when it runs.</summary>
    public string? FaultOf(string tenant) => Entry(tenant).Fault;

    /// <summary>The router of <paramref name="tenant"/>'s workflows (<c>/user/steadfast-&lt;tenant&gt;</c>), for actor-to-actor use.</summary>
    public IActorRef Router(string tenant) => Entry(tenant).Router;

    /// <summary>A client for <paramref name="tenant"/>'s workflows.</summary>
    /// <exception cref="ArgumentException">This host serves no such tenant.</exception>
    public WorkflowClient Client(string tenant) => new(Router(tenant), clientTimeout);

    /// <summary>
    /// Starts serving <paramref name="tenant"/> while the host runs: its file is restored from its replica when missing
    /// (a tenant moved here), else created; it is replicated and its unfinished workflows resume. Returns null, or why the
    /// tenant is faulted (it is then listed, and answers with that reason).
    /// </summary>
    /// <remarks>A faulted tenant may be added again (its file repaired, or removed to be restored from its replica).</remarks>
    /// <exception cref="ArgumentException">Not a tenant name, or already served (and not faulted).</exception>
    /// <exception cref="InvalidOperationException">The actor system has not started.</exception>
    public async Task<string?> AddAsync(string tenant, CancellationToken cancellationToken = default)
    {
        if (TenantJournal.NameProblem(tenant) is { } problem) throw new ArgumentException(problem, nameof(tenant));
        var lifecycle = _lifecycle ?? throw new InvalidOperationException("Tenants can be added once the host's actor system has started.");
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (_tenants.TryGetValue(tenant, out var served))
            {
                if (served.Fault is null) throw new ArgumentException($"Tenant '{tenant}' is already served here.", nameof(tenant));
                await lifecycle.StopAsync(tenant, served.Router, cancellationToken); // the stand-in that answered its fault
            }
            var (router, fault) = await lifecycle.StartAsync(tenant, cancellationToken);
            _tenants[tenant] = (router, fault);
            return fault;
        }
        finally
        {
            _changes.Release();
        }
    }

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
            var (router, _) = Entry(tenant);
            await _lifecycle!.StopAsync(tenant, router, cancellationToken);
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
            if (!_tenants.TryGetValue(tenant, out var entry) || entry.Fault is not null) return;
            _tenants[tenant] = (await _lifecycle!.FaultAsync(tenant, entry.Router, reason), reason);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>The tenants running now (not faulted).</summary>
    internal IEnumerable<string> Running => _tenants.Where(t => t.Value.Fault is null).Select(t => t.Key);

    /// <summary>When the actor system starts: the configured tenants' routers (their files were opened before Akka).</summary>
    internal void Attach(TenantLifecycle lifecycle, IEnumerable<string> tenants)
    {
        _lifecycle = lifecycle;
        foreach (var tenant in tenants) _tenants[tenant] = lifecycle.StartConfigured(tenant);
    }

    /// <summary>At shutdown: every tenant's router refuses new requests and waits for its journal writes.</summary>
    internal Task DrainAsync() => _lifecycle is { } lifecycle ? Task.WhenAll(_tenants.Values.Select(t => lifecycle.DrainAsync(t.Router))) : Task.CompletedTask;

    private (IActorRef Router, string? Fault) Entry(string tenant) => _tenants.TryGetValue(tenant, out var entry) ? entry
        : throw new ArgumentException(_tenants.IsEmpty
            ? $"This host serves no tenant '{tenant}' (it serves only its default journal; list tenants in Steadfast:Tenants)."
            : $"This host serves no tenant '{tenant}'; it serves: {string.Join(", ", Names)}.", nameof(tenant));
}
