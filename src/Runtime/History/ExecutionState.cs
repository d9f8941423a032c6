using System.Collections.Immutable;

namespace Steadfast.Runtime.History;

/// <summary>
/// What the journal says about one workflow: the pure fold of its events, without running any code. Immutable;
/// <see cref="Apply"/> is the one way it changes, used by the workflow actor (recovery and persist callbacks), the
/// status read from the journal and the inspector. The engine (<see cref="Replay.WorkflowExecution"/>) folds the
/// same events into the code's own awaits; this fold is the bookkeeping around it: what runs, what is due, what ended.
/// </summary>
/// <param name="Started">The start event; null before it is journaled.</param>
/// <param name="Events">Every event so far, in journal order.</param>
/// <param name="InFlight">Activities scheduled and not yet resolved, by step.</param>
/// <param name="Timers">Timers started and not yet fired, by step.</param>
/// <param name="Children">Child workflows started and not yet finished, by step.</param>
/// <param name="FailedAttempts">For an in-flight activity: its last journaled failed attempt.</param>
/// <param name="CancelReason">Why cancellation was requested; null if it was not.</param>
/// <param name="Terminal">The completed, failed or cancelled event; null while unfinished.</param>
public sealed record ExecutionState(
    WorkflowStarted? Started,
    ImmutableList<HistoryEvent> Events,
    ImmutableSortedDictionary<int, ActivityScheduled> InFlight,
    ImmutableSortedDictionary<int, TimerStarted> Timers,
    ImmutableSortedDictionary<int, ChildWorkflowStarted> Children,
    ImmutableDictionary<int, int> FailedAttempts,
    string? CancelReason,
    HistoryEvent? Terminal)
{
    /// <summary>Before any event.</summary>
    public static ExecutionState Empty { get; } = new(null, [],
        ImmutableSortedDictionary<int, ActivityScheduled>.Empty, ImmutableSortedDictionary<int, TimerStarted>.Empty,
        ImmutableSortedDictionary<int, ChildWorkflowStarted>.Empty, ImmutableDictionary<int, int>.Empty, null, null);

    /// <summary>The start is journaled.</summary>
    public bool IsStarted => Started is not null;

    /// <summary>A terminal event is journaled.</summary>
    public bool IsFinished => Terminal is not null;

    /// <summary>No activity and no child workflow is pending: only timers and signals can move it on.</summary>
    public bool NothingRunning => InFlight.IsEmpty && Children.IsEmpty;

    /// <summary>The ids of the signals journaled so far, for de-duplication.</summary>
    public ImmutableHashSet<string> SignalIds { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>The highest step journaled so far.</summary>
    public int Steps { get; init; }

    /// <summary>True while step <paramref name="sequence"/> waits for its outcome (activity, timer or child).</summary>
    public bool IsPending(int sequence) =>
        InFlight.ContainsKey(sequence) || Timers.ContainsKey(sequence) || Children.ContainsKey(sequence);

    /// <summary>The state after <paramref name="e"/>, the next event in journal order.</summary>
    public ExecutionState Apply(HistoryEvent e)
    {
        var next = this with { Events = Events.Add(e) };
        return e switch
        {
            WorkflowStarted s => next with { Started = s },
            ActivityScheduled s => next with { InFlight = InFlight.SetItem(s.Sequence, s), Steps = Math.Max(Steps, s.Sequence) },
            ActivityAttemptFailed f => next with { FailedAttempts = FailedAttempts.SetItem(f.Sequence, f.Attempt) },
            ActivityCompleted c => next.Resolved(c.Sequence),
            ActivityFailed f => next.Resolved(f.Sequence),
            TimerStarted t => next with { Timers = Timers.SetItem(t.Sequence, t), Steps = Math.Max(Steps, t.Sequence) },
            TimerFired f => next.Resolved(f.Sequence),
            ChildWorkflowStarted c => next with { Children = Children.SetItem(c.Sequence, c), Steps = Math.Max(Steps, c.Sequence) },
            ChildWorkflowCompleted c => next.Resolved(c.Sequence),
            ChildWorkflowFailed f => next.Resolved(f.Sequence),
            SignalReceived { SignalId: { } id } => next with { SignalIds = SignalIds.Add(id) },
            WorkflowCancelRequested r => next.NothingPending() with { CancelReason = r.Reason },
            WorkflowCompleted or WorkflowFailed or WorkflowCancelled => next.NothingPending() with { Terminal = e },
            _ => next,
        };
    }

    /// <summary>What the journal says the workflow waits on: activities with their attempt, timers, children.</summary>
    public IEnumerable<string> PendingDescriptions() =>
        InFlight.Values.Select(s => $"activity {s.ActivityName} (step {s.Sequence}, attempt {NextAttempt(s.Sequence)})")
            .Concat(Timers.Values.Select(t => $"timer (step {t.Sequence}) due {t.FireAt:O}"))
            .Concat(Children.Values.Select(c => $"child {c.WorkflowType} '{c.ChildId}' (step {c.Sequence})"));

    /// <summary>The fold of <paramref name="events"/> from <see cref="Empty"/>.</summary>
    public static ExecutionState From(IEnumerable<HistoryEvent> events) => events.Aggregate(Empty, (s, e) => s.Apply(e));

    /// <summary>The attempt a runner starts with for an in-flight step (after a restart, the one after the last journaled failure).</summary>
    public int NextAttempt(int sequence) => FailedAttempts.GetValueOrDefault(sequence) + 1;

    private ExecutionState Resolved(int sequence) => this with
    {
        InFlight = InFlight.Remove(sequence),
        Timers = Timers.Remove(sequence),
        Children = Children.Remove(sequence),
        FailedAttempts = FailedAttempts.Remove(sequence),
    };

    // A cancellation (or the end) fails every pending call at once, as the engine does.
    private ExecutionState NothingPending() => this with
    {
        InFlight = InFlight.Clear(),
        Timers = Timers.Clear(),
        Children = Children.Clear(),
        FailedAttempts = FailedAttempts.Clear(),
    };
}
