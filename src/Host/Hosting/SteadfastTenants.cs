using System.Collections.Concurrent;
using Akka.Actor;
using Steadfast.Actors;

namespace Steadfast.Hosting;

/// <summary>
/// The tenants this host serves beside its default journal (<c>Steadfast:Tenants</c>), and a
/// <see cref="WorkflowClient"/> for each. A tenant whose journal could not be opened is listed with its fault, and its
/// client's requests are answered with that reason (<c>Faulted</c>) instead of timing out.
/// </summary>
public sealed class SteadfastTenants(TimeSpan? clientTimeout = null)
{
    private readonly ConcurrentDictionary<string, (IActorRef Router, string? Fault)> _tenants = new();

    /// <summary>The tenants started on this host, in name order.</summary>
    public IReadOnlyList<string> Names => _tenants.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Why <paramref name="tenant"/> is faulted, or null when it runs.</summary>
    public string? FaultOf(string tenant) => Entry(tenant).Fault;

    /// <summary>The router of <paramref name="tenant"/>'s workflows (<c>/user/steadfast-&lt;tenant&gt;</c>), for actor-to-actor use.</summary>
    public IActorRef Router(string tenant) => Entry(tenant).Router;

    /// <summary>A client for <paramref name="tenant"/>'s workflows.</summary>
    /// <exception cref="ArgumentException">This host serves no such tenant.</exception>
    public WorkflowClient Client(string tenant) => new(Router(tenant), clientTimeout);

    internal void Add(string tenant, IActorRef router, string? fault) => _tenants[tenant] = (router, fault);

    private (IActorRef Router, string? Fault) Entry(string tenant) => _tenants.TryGetValue(tenant, out var entry) ? entry
        : throw new ArgumentException(_tenants.IsEmpty
            ? $"This host serves no tenant '{tenant}' (it serves only its default journal; list tenants in Steadfast:Tenants)."
            : $"This host serves no tenant '{tenant}'; it serves: {string.Join(", ", Names)}.", nameof(tenant));
}
