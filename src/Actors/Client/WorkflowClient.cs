using Akka.Actor;
using Steadfast.Runtime;

namespace Steadfast.Actors;

/// <summary>
/// The edge API for code outside the actor system (a web handler, the CLI, a test): start a workflow, read
/// its status, wait for its result. Each call is one Ask to the registry.
/// </summary>
public sealed class WorkflowClient(IActorRef registry, TimeSpan? defaultTimeout = null)
{
    private readonly TimeSpan _timeout = defaultTimeout ?? TimeSpan.FromSeconds(30);

    /// <summary>Starts a workflow; returns once the start is durable.</summary>
    /// <exception cref="WorkflowStartException">The start was rejected (invalid id, unknown type, bad input, conflict).</exception>
    public async Task<WorkflowAccepted> StartAsync(string workflowId, string workflowType, string inputJson, CancellationToken cancellationToken = default)
    {
        var reply = await registry.Ask<object>(new StartWorkflow(workflowId, workflowType, inputJson), _timeout, cancellationToken);
        return reply switch
        {
            WorkflowAccepted accepted => accepted,
            StartRejected rejected => throw new WorkflowStartException(rejected),
            _ => throw new InvalidOperationException($"Unexpected reply to StartWorkflow: {reply}"),
        };
    }

    /// <summary>Starts a workflow with a typed input.</summary>
    public Task<WorkflowAccepted> StartAsync<TInput>(string workflowId, string workflowType, TInput input, CancellationToken cancellationToken = default) =>
        StartAsync(workflowId, workflowType, PayloadCodec.Serialize(input), cancellationToken);

    /// <summary>Sends a signal; returns once it is journaled.</summary>
    /// <exception cref="WorkflowRequestException">Unknown or finished workflow, or an invalid name or payload.</exception>
    public async Task SignalAsync(string workflowId, string name, string payloadJson, CancellationToken cancellationToken = default)
    {
        var reply = await registry.Ask<object>(new SignalWorkflow(workflowId, name, payloadJson), _timeout, cancellationToken);
        if (reply is SignalRejected r) throw new WorkflowRequestException(r.Reason, r.Message);
    }

    /// <summary>Sends a signal with a typed payload.</summary>
    public Task SignalAsync<T>(string workflowId, string name, T payload, CancellationToken cancellationToken = default) =>
        SignalAsync(workflowId, name, PayloadCodec.Serialize(payload), cancellationToken);

    /// <summary>Requests cancellation; returns once the request is journaled (the workflow ends Cancelled after compensating).</summary>
    /// <exception cref="WorkflowRequestException">Unknown or finished workflow.</exception>
    public async Task CancelAsync(string workflowId, string reason, CancellationToken cancellationToken = default)
    {
        var reply = await registry.Ask<object>(new CancelWorkflow(workflowId, reason), _timeout, cancellationToken);
        if (reply is CancelRejected r) throw new WorkflowRequestException(r.Reason, r.Message);
    }

    /// <summary>The workflow's status now.</summary>
    public Task<WorkflowStatus> GetStatusAsync(string workflowId, CancellationToken cancellationToken = default) =>
        registry.Ask<WorkflowStatus>(new GetWorkflowStatus(workflowId), _timeout, cancellationToken);

    /// <summary>How many workflows are in memory or dormant, and whether the resume at host start is done.</summary>
    public Task<RuntimeStats> GetRuntimeStatsAsync(CancellationToken cancellationToken = default) =>
        registry.Ask<RuntimeStats>(GetRuntimeStats.Instance, _timeout, cancellationToken);

    /// <summary>Waits until the workflow is completed, failed or suspended (or not found).</summary>
    public Task<WorkflowStatus> WaitAsync(string workflowId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        registry.Ask<WorkflowStatus>(new WaitForWorkflow(workflowId), timeout, cancellationToken);
}
