using Akka.Actor;

namespace Steadfast.Actors;

/// <summary>
/// Admission: how many workflows are in flight, the starts that wait for a slot, and the refusals (overloaded or
/// shutting down) that tell a caller to retry.
/// </summary>
public sealed partial class WorkflowRouter
{
    private void EnsureAdmissionTick()
    {
        if (!Timers.IsTimerActive("admission")) Timers.StartPeriodicTimer("admission", AdmissionTick.Instance, AdmissionTickInterval);
    }

    /// <summary>Gives free slots to the workflows waiting for one, in arrival order.</summary>
    private void AdmitWaiting()
    {
        if (_closed) return; // shutting down: what waited was refused by the drain
        while (_gate.Next() is var (id, waiting)) Admit(id, waiting);
    }

    private void Admit(string id, AdmissionGate.Waiting waiting)
    {
        var inMemory = _workflows.ContainsKey(id) || _waking.ContainsKey(id);
        if (!inMemory && waiting.Resume is { } unfinished) Resume(unfinished);
        else if (!inMemory) Spawn(id, snapshotExpected: false);
        foreach (var parked in waiting.Requests) Deliver(id, parked.Message, parked.Sender);
        if (inMemory) _gate.Release(id); // already there and counted as it is: it says Busy if it writes
    }

    /// <summary>Answers a request the host cannot take now: overloaded (retry with backoff), or shutting down.</summary>
    private static void Refuse(object request, IActorRef asker, string why, bool overloaded = true) => asker.Tell(request switch
    {
        StartWorkflow m => new StartRejected(m.WorkflowId, overloaded ? StartRejection.Overloaded : StartRejection.Unavailable, why),
        SignalWorkflow m => new SignalRejected(m.WorkflowId, m.Name, overloaded ? RejectionReason.Overloaded : RejectionReason.Unavailable, why),
        CancelWorkflow m => new CancelRejected(m.WorkflowId, overloaded ? RejectionReason.Overloaded : RejectionReason.Unavailable, why),
        GetWorkflowStatus m => Unanswerable(m.WorkflowId, why, overloaded),
        WaitForWorkflow m => Unanswerable(m.WorkflowId, why, overloaded),
        _ => new Status.Failure(new InvalidOperationException(why)),
    });

    // Overloaded: its start waited and was refused, so it does not exist; shutting down: it cannot be asked now.
    private static WorkflowStatus Unanswerable(string workflowId, string why, bool overloaded) => overloaded
        ? WorkflowStatus.NotFound(workflowId)
        : new WorkflowStatus(workflowId, null, ExecutionStatus.Faulted, null, why, 0, null, null, [], []);

    private static void RefuseWhileClosed(object request, IActorRef asker) => Refuse(request, asker, ShuttingDown, overloaded: false);

    private static readonly TimeSpan AdmissionTickInterval = TimeSpan.FromMilliseconds(500);

    private sealed class AdmissionTick
    {
        public static readonly AdmissionTick Instance = new();
        private AdmissionTick() { }
    }
}
