using Steadfast.Runtime;
using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Host.Inspection;

/// <summary>Re-runs workflow code against a stored history without executing anything: no activity, timer or child runs.</summary>
public static class Replayer
{
    /// <summary>The engine's outcome after every stored event was applied; a <see cref="SuspendedOutcome"/> names the divergence.</summary>
    /// <exception cref="InspectionException">The workflow type is not in <paramref name="registry"/>.</exception>
    public static WorkflowOutcome Replay(SteadfastRegistry registry, IReadOnlyList<HistoryEvent> history)
    {
        var started = (WorkflowStarted)history[0];
        if (!registry.TryGetWorkflow(started.WorkflowType, out _))
            throw new InspectionException(InspectionError.NoWorkflowCode,
                $"The workflow code has no workflow named '{started.WorkflowType}' (it has: {string.Join(", ", registry.Workflows.Select(w => w.Name).Order())}).");
        var engine = new WorkflowExecution(registry, started);
        engine.Start();
        foreach (var e in history.Skip(1)) engine.Apply(e);
        return engine.Outcome;
    }
}
