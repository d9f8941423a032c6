using Steadfast.Runtime.History;

namespace Steadfast.Runtime.Replay;

/// <summary>
/// Re-runs workflow code against a recorded history without executing anything (no activity, timer or child runs):
/// the check to put in a unit test before deploying changed workflow code, with a history exported by
/// <c>steadfast history ID --export FILE</c> (see <see cref="SavedHistory"/>). A <see cref="SuspendedOutcome"/> names
/// the step where the new code no longer matches the history.
/// </summary>
public static class WorkflowReplayer
{
    /// <summary>The outcome after every event of <paramref name="history"/> was applied to the code in <paramref name="registry"/>.</summary>
    /// <exception cref="ArgumentException">The history does not start with <see cref="WorkflowStarted"/>, or its workflow type is not registered.</exception>
    public static WorkflowOutcome Replay(SteadfastRegistry registry, IReadOnlyList<HistoryEvent> history)
    {
        if (history.Count == 0 || history[0] is not WorkflowStarted started)
            throw new ArgumentException("A workflow history starts with its WorkflowStarted event.", nameof(history));
        if (!registry.TryGetWorkflow(started.WorkflowType, out _))
            throw new ArgumentException(
                $"The workflow code has no workflow named '{started.WorkflowType}' (it has: {string.Join(", ", registry.Workflows.Select(w => w.Name).Order())}).",
                nameof(registry));
        var engine = new WorkflowExecution(registry, started);
        engine.StartFrom(history);
        return engine.Outcome;
    }

    /// <summary>Replays a saved history document (<see cref="SavedHistory"/>).</summary>
    public static WorkflowOutcome ReplaySaved(SteadfastRegistry registry, ReadOnlySpan<byte> savedHistoryJson) =>
        Replay(registry, SavedHistory.FromJson(savedHistoryJson));
}
