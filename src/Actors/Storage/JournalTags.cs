using Akka.Persistence.Journal;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The tags the workflow actor writes with its events (rows of the plugin's tag table, in the same transaction),
/// so that host start finds what to resume with one query instead of recovering every workflow ever run.
/// </summary>
public static class JournalTags
{
    /// <summary>Tag of <see cref="WorkflowStarted"/>.</summary>
    public const string StartedTag = "steadfast:started";

    /// <summary>Tag of the terminal events: <see cref="WorkflowCompleted"/>, <see cref="WorkflowFailed"/>, <see cref="WorkflowCancelled"/>.</summary>
    public const string FinishedTag = "steadfast:finished";

    /// <summary>
    /// Tag of the last event of a write after which the workflow waits only for signals (no activity, timer or
    /// child pending). While that event is still the workflow's newest, the workflow is dormant: host start
    /// does not recover it, the signal does.
    /// </summary>
    public const string WaitingForSignalTag = "steadfast:waiting-for-signal";

    /// <summary>What to persist for <paramref name="e"/>: the event itself, or the event wrapped with its tags.</summary>
    public static object ForJournal(HistoryEvent e, bool waitingForSignalAfter)
    {
        string? lifecycle = e switch
        {
            WorkflowStarted => StartedTag,
            WorkflowCompleted or WorkflowFailed or WorkflowCancelled => FinishedTag,
            _ => null,
        };
        return (lifecycle, waitingForSignalAfter) switch
        {
            (null, false) => e,
            (null, true) => new Tagged(e, [WaitingForSignalTag]),
            (_, false) => new Tagged(e, [lifecycle]),
            (_, true) => new Tagged(e, [lifecycle, WaitingForSignalTag]),
        };
    }
}
