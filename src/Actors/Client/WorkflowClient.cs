using Akka.Actor;
using Steadfast.Runtime;

namespace Steadfast.Actors;

/// <summary>
/// The edge API for code outside the actor system (a web handler, the CLI, a test): start a workflow, read
/// its status, wait for its result. Each call is one Ask to the router; no answer within the timeout (default 30 s)
/// is a <see cref="WorkflowTimeoutException"/>.
/// </summary>
public sealed class WorkflowClient
{
    private readonly Func<IActorRef> _router;
    private readonly TimeSpan _timeout;

    /// <summary>A client of <paramref name="router"/>; each request waits <paramref name="defaultTimeout"/> (default 30 s) for its answer.</summary>
    public WorkflowClient(IActorRef router, TimeSpan? defaultTimeout = null) : this(() => router, defaultTimeout) { }

    /// <summary>
    /// A client of whichever router <paramref name="router"/> returns at each request: a tenant's router is replaced
    /// when the tenant is faulted or added again, and a client kept by its caller must follow it.
    /// </summary>
    public WorkflowClient(Func<IActorRef> router, TimeSpan? defaultTimeout = null)
    {
        _router = router;
        _timeout = defaultTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>The router actor (<c>WorkflowRouter</c>) this client asks now (to Tell it messages directly).</summary>
    public IActorRef Router => _router();

    /// <summary>
    /// Starts a workflow with an input already serialized as JSON (<c>"5"</c> is the number 5, <c>"\"five\""</c> the
    /// text); <see cref="StartAsync{TInput}"/> serializes a typed input for you. Returns once the start is durable. A
    /// host at its limits answers <see cref="StartRejection.Overloaded"/>: the start is sent again after a jittered
    /// backoff (0.1 s doubling to 5 s) until the client's timeout is spent.
    /// </summary>
    /// <exception cref="WorkflowStartException">The start was rejected (invalid id, unknown type, bad input, conflict, or still overloaded at the timeout).</exception>
    public async Task<WorkflowAccepted> StartJsonAsync(string workflowId, string workflowType, string inputJson, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + _timeout;
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var reply = await AskAsync<object>(new StartWorkflow(workflowId, workflowType, inputJson), left > MinimumAsk ? left : MinimumAsk, $"the start of '{Echo.Clip(workflowId)}'", cancellationToken);
            switch (reply)
            {
                case WorkflowAccepted accepted:
                    return accepted;
                case StartRejected { Reason: StartRejection.Overloaded } overloaded:
                    var pause = backoff * (0.5 + Random.Shared.NextDouble() / 2);
                    if (DateTime.UtcNow + pause >= deadline) throw new WorkflowStartException(overloaded);
                    await Task.Delay(pause, cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaximumBackoff.Ticks));
                    break;
                case StartRejected rejected:
                    throw new WorkflowStartException(rejected);
                default:
                    throw new InvalidOperationException($"Unexpected reply to StartWorkflow: {reply}");
            }
        }
    }

    private static readonly TimeSpan MinimumAsk = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Starts a workflow with a typed input, serialized as the workflow's input type expects: a string is sent as the
    /// JSON text <c>"…"</c>, never read as JSON (that is <see cref="StartJsonAsync"/>). Otherwise as <see cref="StartJsonAsync"/>.
    /// </summary>
    /// <exception cref="WorkflowStartException">The start was rejected (invalid id, unknown type, bad input, conflict, or still overloaded at the timeout).</exception>
    public Task<WorkflowAccepted> StartAsync<TInput>(string workflowId, string workflowType, TInput input, CancellationToken cancellationToken = default) =>
        StartJsonAsync(workflowId, workflowType, PayloadCodec.Serialize(input), cancellationToken);

    /// <summary>
    /// Sends a signal whose payload is already serialized as JSON (<see cref="SignalAsync{T}"/> serializes a typed one);
    /// returns once it is journaled. The signal carries <paramref name="signalId"/> (one is made when it
    /// is null), so the client re-sends it once after a timeout without any risk of journaling it twice. Pass your own
    /// id, kept with your own state, to be able to re-send after your process restarts.
    /// </summary>
    /// <returns>The acknowledgement; <see cref="SignalAccepted.Duplicate"/> when a signal with this id had been journaled before.</returns>
    /// <exception cref="WorkflowRequestException">Unknown or finished workflow, or an invalid name, payload or id.</exception>
    public async Task<SignalAccepted> SignalJsonAsync(string workflowId, string name, string payloadJson, string? signalId = null, CancellationToken cancellationToken = default)
    {
        var signal = new SignalWorkflow(workflowId, name, payloadJson, signalId ?? Guid.NewGuid().ToString("N"));
        object reply;
        try
        {
            reply = await Router.Ask<object>(signal, _timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            // the outcome was unknown; the id makes the retry safe
            reply = await AskAsync<object>(signal, _timeout, $"signal '{Echo.Clip(name)}' to '{Echo.Clip(workflowId)}' (sent twice)", cancellationToken);
        }
        return reply switch
        {
            SignalAccepted accepted => accepted,
            SignalRejected r => throw new WorkflowRequestException(r.Reason, r.Message),
            _ => throw new InvalidOperationException($"Unexpected reply to SignalWorkflow: {reply}"),
        };
    }

    /// <summary>
    /// Sends a signal with a typed payload: a string is sent as the JSON text <c>"…"</c>, never read as JSON (that is
    /// <see cref="SignalJsonAsync"/>, which also explains <paramref name="signalId"/>).
    /// </summary>
    /// <exception cref="WorkflowRequestException">Unknown or finished workflow, or an invalid name or id.</exception>
    public Task<SignalAccepted> SignalAsync<T>(string workflowId, string name, T payload, string? signalId = null, CancellationToken cancellationToken = default) =>
        SignalJsonAsync(workflowId, name, PayloadCodec.Serialize(payload), signalId, cancellationToken);

    /// <summary>Requests cancellation; returns once the request is journaled (the workflow ends Cancelled after compensating).</summary>
    /// <exception cref="WorkflowRequestException">Unknown or finished workflow.</exception>
    public async Task CancelAsync(string workflowId, string reason, CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync<object>(new CancelWorkflow(workflowId, reason), _timeout, $"the cancellation of '{Echo.Clip(workflowId)}'", cancellationToken);
        if (reply is CancelRejected r) throw new WorkflowRequestException(r.Reason, r.Message);
    }

    /// <summary>The workflow's status now.</summary>
    public Task<WorkflowStatus> GetStatusAsync(string workflowId, CancellationToken cancellationToken = default) =>
        AskAsync<WorkflowStatus>(new GetWorkflowStatus(workflowId), _timeout, $"the status of '{Echo.Clip(workflowId)}'", cancellationToken);

    /// <summary>How many workflows are in memory or dormant, and whether the resume at host start is done.</summary>
    public Task<RuntimeStats> GetRuntimeStatsAsync(CancellationToken cancellationToken = default) =>
        AskAsync<RuntimeStats>(GetRuntimeStats.Instance, _timeout, "the runtime stats", cancellationToken);

    /// <summary>Waits until the workflow is completed, failed, cancelled or suspended (or not found, or faulted by an unreadable event).</summary>
    /// <exception cref="WorkflowTimeoutException">It did not settle within <paramref name="timeout"/>.</exception>
    public Task<WorkflowStatus> WaitAsync(string workflowId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AskAsync<WorkflowStatus>(new WaitForWorkflow(workflowId), timeout, $"the result of '{Echo.Clip(workflowId)}'", cancellationToken);

    private async Task<T> AskAsync<T>(object request, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await Router.Ask<T>(request, timeout, cancellationToken);
        }
        catch (AskTimeoutException e)
        {
            throw new WorkflowTimeoutException($"No answer for {what} within {timeout}; the request may or may not have been carried out " +
                                               "(sending it again is safe: requests are idempotent).", e);
        }
    }
}
