using Akka.Actor;
using Akka.Event;

namespace Steadfast.Actors;

/// <summary>
/// Workflows that stopped unexpectedly (a failed journal write or recovery) and those whose history cannot be read:
/// what their callers are answered meanwhile, and the quarantine that is never retried.
/// </summary>
public sealed partial class WorkflowRouter
{
    // A single failed write is retried for the caller by the next incarnation; from the third failure in a row (a full
    // disk, an open circuit breaker: about 3 s with the default backoff) callers are answered instead of left waiting.
    private const int AnswerAfterFailures = 3;

    /// <summary>
    /// A workflow whose journal write or recovery failed again and again: a caller's start, signal or cancel is refused
    /// <c>Unavailable</c> with the reason now (each is idempotent, so sending it again is safe) instead of waiting,
    /// maybe past its timeout, for an incarnation that a full disk keeps failing. Returns what still waits for it:
    /// waits for its result, and requests from workflows (a parent's), which are kept for the next incarnation.
    /// </summary>
    private IReadOnlyList<(object Message, IActorRef Sender)> AnswerWhileFaulted(string id, string fault, IReadOnlyList<(object Message, IActorRef Sender)> requests)
    {
        var kept = new List<(object Message, IActorRef Sender)>();
        foreach (var (message, sender) in requests)
        {
            if (message is StartWorkflow or SignalWorkflow or CancelWorkflow && !IsWorkflowActor(sender))
                Refuse(message, sender, $"Workflow '{id}' cannot write to its journal now ({fault}); send it again later (it is idempotent: a repeat is not journaled twice).",
                    overloaded: false);
            else if (message is GetWorkflowStatus) sender.Tell(FaultedStatus(id));
            else kept.Add((message, sender));
        }
        return kept;
    }

    private WorkflowStatus FaultedStatus(string workflowId) => new(workflowId, null, ExecutionStatus.Faulted, null,
        $"{_faults[workflowId]} (failure {_restarts.GetValueOrDefault(workflowId)}; being recovered with backoff)", 0, null, null, [], []);

    /// <summary>Faults a workflow whose history holds an event this version cannot read; logged once, never retried.</summary>
    private void Quarantine(string workflowId, string reason)
    {
        if (!_quarantined.TryAdd(workflowId, reason)) return;
        _dormant.Remove(workflowId);
        Timers.Cancel("wake-" + workflowId);
        Timers.Cancel("restart-" + workflowId);
        _log.Error("Workflow {0} is FAULTED and stays so: {1}. Every other workflow goes on; run a Steadfast version that reads this event " +
                   "(or repair the journal) and restart the host to resume it.", workflowId, reason);
        if (_parked.Remove(workflowId, out var parked)) foreach (var (message, sender) in parked) AnswerQuarantined(message, sender);
    }

    private void AnswerQuarantined(object request, IActorRef asker)
    {
        var reason = _quarantined[RequestId(request)];
        asker.Tell(request switch
        {
            StartWorkflow m => new StartRejected(m.WorkflowId, StartRejection.Faulted, $"Workflow '{m.WorkflowId}' exists but is faulted: {reason}"),
            SignalWorkflow m => new SignalRejected(m.WorkflowId, m.Name, RejectionReason.Faulted, $"Workflow '{m.WorkflowId}' is faulted: {reason}"),
            CancelWorkflow m => new CancelRejected(m.WorkflowId, RejectionReason.Faulted, $"Workflow '{m.WorkflowId}' is faulted: {reason}"),
            GetWorkflowStatus or WaitForWorkflow => new WorkflowStatus(RequestId(request), null, ExecutionStatus.Faulted, null, reason, 0, null, null, [], []),
            _ => new Status.Failure(new InvalidOperationException(reason)),
        });
    }

    private sealed record QuarantineDetail(string WorkflowId, string Reason);

    private sealed class FaultSummary
    {
        public static readonly FaultSummary Instance = new();
        private FaultSummary() { }
    }
}
