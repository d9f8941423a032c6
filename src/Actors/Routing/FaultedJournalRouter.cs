using Akka.Actor;

namespace Steadfast.Actors;

/// <summary>
/// Stands in for the router of a tenant whose journal could not be opened (damaged, foreign, unreadable, or its
/// replica could not be restored): every request is answered at once with the reason, so callers learn why instead of
/// timing out, and nothing is written. The tenant's file is left exactly as it was for repair; the other tenants run on.
/// </summary>
public sealed class FaultedJournalRouter : ReceiveActor
{
    public FaultedJournalRouter(string tenant, string reason)
    {
        var why = $"Tenant '{tenant}' is faulted: {reason}";
        Receive<StartWorkflow>(m => Sender.Tell(new StartRejected(m.WorkflowId, StartRejection.Faulted, why)));
        Receive<SignalWorkflow>(m => Sender.Tell(new SignalRejected(m.WorkflowId, m.Name, RejectionReason.Faulted, why)));
        Receive<CancelWorkflow>(m => Sender.Tell(new CancelRejected(m.WorkflowId, RejectionReason.Faulted, why)));
        Receive<GetWorkflowStatus>(m => Sender.Tell(Faulted(m.WorkflowId, why)));
        Receive<WaitForWorkflow>(m => Sender.Tell(Faulted(m.WorkflowId, why)));
        Receive<GetRuntimeStats>(_ => Sender.Tell(new RuntimeStats(0, 0, ResumeDone: true, Degraded: why)));
        Receive<DrainWorkflows>(_ => Sender.Tell(RouterProtocol.Drained.Instance));
        Receive<DiskPressure>(_ => { }); // it writes nothing
    }

    /// <summary>Props of the stand-in for <paramref name="tenant"/>, answering with <paramref name="reason"/>.</summary>
    public static Props Props(string tenant, string reason) => Akka.Actor.Props.Create(() => new FaultedJournalRouter(tenant, reason));

    private static WorkflowStatus Faulted(string workflowId, string why) => new(workflowId, null, ExecutionStatus.Faulted, null, why, 0, null, null, [], []);
}
