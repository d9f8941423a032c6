using Akka.Persistence.Journal;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// Tags start and terminal events so the registry can find unfinished workflows with one tag query at host
/// start, instead of recovering every workflow the journal has ever held.
/// </summary>
public sealed class LifecycleTagger : IWriteEventAdapter
{
    /// <summary>Tag of <see cref="WorkflowStarted"/>.</summary>
    public const string StartedTag = "steadfast:started";

    /// <summary>Tag of the terminal events: <see cref="WorkflowCompleted"/>, <see cref="WorkflowFailed"/>, <see cref="WorkflowCancelled"/>.</summary>
    public const string FinishedTag = "steadfast:finished";

    /// <inheritdoc />
    public string Manifest(object evt) => string.Empty;

    /// <inheritdoc />
    public object ToJournal(object evt) => evt switch
    {
        WorkflowStarted => new Tagged(evt, [StartedTag]),
        WorkflowCompleted or WorkflowFailed or WorkflowCancelled => new Tagged(evt, [FinishedTag]),
        _ => evt,
    };
}
