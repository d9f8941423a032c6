using Akka.Persistence.Journal;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The tag the workflow actor writes with its events (a row of the plugin's tag table, in the same transaction):
/// it marks the workflows that host start leaves on disk. Starts and finishes are found by manifest instead
/// (<see cref="LifecycleIndexes"/>).
/// </summary>
public static class JournalTags
{
    /// <summary>
    /// Tag of the last event of a write after which the workflow waits only for signals (no activity, timer or
    /// child pending). While that event is still the workflow's newest, the workflow is dormant: host start
    /// does not recover it, the signal does.
    /// </summary>
    public const string WaitingForSignalTag = "steadfast:waiting-for-signal";

    /// <summary>What to persist for <paramref name="e"/>: the event itself, or the event wrapped with its tag.</summary>
    public static object ForJournal(HistoryEvent e, bool waitingForSignalAfter) =>
        waitingForSignalAfter ? new Tagged(e, [WaitingForSignalTag]) : e;
}
