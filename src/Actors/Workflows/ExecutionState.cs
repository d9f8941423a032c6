using System.Collections.Immutable;
using Steadfast.Runtime.History;

namespace Steadfast.Actors;

/// <summary>
/// What the journal says about one workflow. Immutable; <see cref="Apply"/> is the one way it changes, used
/// by recovery and by persist callbacks alike.
/// </summary>
internal sealed record ExecutionState(
    WorkflowStarted? Started,
    ImmutableList<HistoryEvent> Events,
    ImmutableSortedDictionary<int, ActivityScheduled> InFlight,
    ImmutableDictionary<int, int> FailedAttempts,
    HistoryEvent? Terminal)
{
    public static ExecutionState Empty { get; } = new(null, [], ImmutableSortedDictionary<int, ActivityScheduled>.Empty, ImmutableDictionary<int, int>.Empty, null);

    public bool IsStarted => Started is not null;

    public bool IsFinished => Terminal is not null;

    /// <summary>The highest step journaled so far.</summary>
    public int Steps { get; init; }

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
            WorkflowCompleted or WorkflowFailed => next with { Terminal = e, InFlight = InFlight.Clear() },
            _ => next,
        };
    }

    public static ExecutionState From(IEnumerable<HistoryEvent> events) => events.Aggregate(Empty, (s, e) => s.Apply(e));

    /// <summary>The attempt a runner starts with for an in-flight step (after a restart, the one after the last journaled failure).</summary>
    public int NextAttempt(int sequence) => FailedAttempts.GetValueOrDefault(sequence) + 1;

    private ExecutionState Resolved(int sequence) =>
        this with { InFlight = InFlight.Remove(sequence), FailedAttempts = FailedAttempts.Remove(sequence) };
}
