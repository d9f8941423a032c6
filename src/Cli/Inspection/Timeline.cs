using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Cli.Inspection;

/// <summary>One row of a workflow's history as people read it.</summary>
/// <param name="Index">Position in the journal (1-based).</param>
/// <param name="Time">When it was journaled.</param>
/// <param name="Delta">Time since the previous event.</param>
/// <param name="Event">The event name without its version.</param>
/// <param name="Step">The step it belongs to, if any.</param>
/// <param name="Activity">The activity (or child workflow type, or signal name) it concerns, if any.</param>
/// <param name="Attempt">The attempt, for attempt events.</param>
/// <param name="Detail">A one-line description (shortened payloads unless full).</param>
/// <param name="Json">The stored event as JSON.</param>
public sealed record TimelineRow(int Index, DateTimeOffset Time, TimeSpan Delta, string Event, int? Step, string? Activity, int? Attempt, string Detail, string Json);

/// <summary>Turns a workflow's events into a readable timeline; attempts and their errors stand out.</summary>
public static class Timeline
{
    public static IReadOnlyList<TimelineRow> Of(IReadOnlyList<HistoryEvent> events, bool full)
    {
        string S(string json) => full ? json : Divergence.Shorten(json, 60);
        var names = new Dictionary<int, string>();
        var rows = new List<TimelineRow>();
        var previous = events.Count > 0 ? events[0].Timestamp : default;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            (int? step, string? what, int? attempt, string detail) = e switch
            {
                WorkflowStarted s => ((int?)null, s.WorkflowType, (int?)null, $"input {S(s.InputJson)}"),
                ActivityScheduled s => (s.Sequence, names[s.Sequence] = s.ActivityName, null, $"input {S(s.InputJson)}, up to {s.RetryPolicy.MaximumAttempts} attempt(s)"),
                ActivityAttemptFailed f => (f.Sequence, names.GetValueOrDefault(f.Sequence), f.Attempt, $"FAILED {f.ErrorType}: {f.ErrorMessage}; retry in {f.RetryDelay.TotalSeconds:0.###}s"),
                ActivityCompleted c => (c.Sequence, names.GetValueOrDefault(c.Sequence), c.Attempt, $"result {S(c.ResultJson)}"),
                ActivityFailed f => (f.Sequence, names.GetValueOrDefault(f.Sequence), f.Attempts, $"GAVE UP after {f.Attempts} attempt(s): {f.ErrorType}: {f.ErrorMessage}"),
                TimerStarted t => (t.Sequence, "timer", null, $"due {t.FireAt:O}"),
                TimerFired f => (f.Sequence, "timer", null, "fired"),
                SignalReceived s => (null, s.Name, null, $"payload {S(s.PayloadJson)}"),
                ChildWorkflowStarted c => (c.Sequence, names[c.Sequence] = c.WorkflowType, null, $"child '{c.ChildId}' input {S(c.InputJson)}"),
                ChildWorkflowCompleted c => (c.Sequence, names.GetValueOrDefault(c.Sequence), null, $"result {S(c.ResultJson)}"),
                ChildWorkflowFailed f => (f.Sequence, names.GetValueOrDefault(f.Sequence), null, $"FAILED {f.ErrorType}: {f.ErrorMessage}"),
                WorkflowCancelRequested r => (null, null, null, $"reason: {r.Reason}"),
                WorkflowCompleted c => (null, null, null, $"result {S(c.ResultJson)}"),
                WorkflowFailed f => (null, null, null, $"FAILED {f.ErrorType}: {f.ErrorMessage}"),
                WorkflowCancelled c => (null, null, null, $"reason: {c.Reason}"),
                _ => (null, null, null, ""),
            };
            rows.Add(new TimelineRow(i + 1, e.Timestamp, e.Timestamp - previous, HistoryEventCodec.ManifestOf(e).Split('.')[0], step, what, attempt, detail,
                HistoryEventCodec.EncodeToString(e)));
            previous = e.Timestamp;
        }
        return rows;
    }
}
