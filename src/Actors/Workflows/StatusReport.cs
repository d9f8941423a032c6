using Steadfast.Runtime;
using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Actors;

/// <summary>
/// Builds a <see cref="WorkflowStatus"/> from what the journal says and what the re-run code waits on: the one mapping
/// of a history to a status, result and error, used by the workflow actor, the router and <c>steadfast show</c>.
/// </summary>
public static class StatusReport
{
    /// <summary>The status of a workflow whose journal folds to <paramref name="state"/> and whose code is at <paramref name="engine"/>.</summary>
    internal static WorkflowStatus Of(string workflowId, ExecutionState state, WorkflowExecution? engine, int recentEvents)
    {
        if (state.Started is not { } started) return WorkflowStatus.NotFound(workflowId);
        var (status, result, error) = state.Terminal switch
        {
            WorkflowCompleted c => (ExecutionStatus.Completed, c.ResultJson, (string?)null),
            WorkflowFailed f => (ExecutionStatus.Failed, null, $"{f.ErrorType}: {f.ErrorMessage}"),
            WorkflowCancelled c => (ExecutionStatus.Cancelled, null, $"Cancelled: {c.Reason}"),
            _ when engine?.Outcome is SuspendedOutcome s => (ExecutionStatus.Suspended, null, s.Divergence.Message),
            _ => (ExecutionStatus.Running, (string?)null, (string?)null),
        };
        var waitingOn = state.PendingDescriptions()
            .Concat((engine?.WaitingForSignals ?? []).Select(name => $"signal '{name}'"))
            .ToList();
        var recent = state.Events.Skip(Math.Max(0, state.Events.Count - recentEvents))
            .Select(e => $"{e.Timestamp:O} {HistoryEventCodec.ManifestOf(e).Split('.')[0]} {Divergence.Shorten(HistoryEventCodec.EncodeToString(e), 160)}")
            .ToList();
        return new WorkflowStatus(workflowId, started.WorkflowType, status, result, error, state.Steps,
            started.Timestamp, state.Terminal?.Timestamp, waitingOn, recent);
    }

    /// <summary>
    /// The status of a workflow that is not in memory, from its history. With <paramref name="code"/>, an unfinished
    /// workflow's code is re-run against the history (executing nothing, as recovery would) to tell Suspended from
    /// Running and to name the signals it waits for; without it, an unfinished workflow is Running.
    /// </summary>
    /// <exception cref="ArgumentException">The workflow type is not in <paramref name="code"/>.</exception>
    public static WorkflowStatus FromHistory(string workflowId, IReadOnlyList<HistoryEvent> history, SteadfastRegistry? code,
        int recentEvents = 10, int maxPayloadBytes = 1 << 20)
    {
        var state = ExecutionState.From(history);
        WorkflowExecution? engine = null;
        if (code is not null && state.Started is { } started && !state.IsFinished)
        {
            engine = new WorkflowExecution(code, started, maxPayloadBytes);
            engine.StartFrom(history);
        }
        return Of(workflowId, state, engine, recentEvents);
    }
}
