using Akka.Actor;
using Steadfast.Actors.Storage;
using static Steadfast.Actors.RouterProtocol;

namespace Steadfast.Actors;

/// <summary>
/// The router's own life: resuming unfinished workflows at host start, and draining their writes at shutdown.
/// </summary>
public sealed partial class WorkflowRouter
{
    private void DrainedIfDone()
    {
        if (_draining.Count > 0 || _drainRequester is null) return;
        _drainRequester.Tell(RouterProtocol.Drained.Instance);
        _drainRequester = null;
        Timers.Cancel("drain");
    }

    private void Resume(UnfinishedWorkflows.Unfinished w)
    {
        var actor = Spawn(w.WorkflowId, w.HasSnapshot, w.History);
        _resuming.Add(actor);
        actor.Tell(ResumeProbe.Instance);
    }

    private void QueryUnfinished() =>
        _reads?.FindUnfinished().PipeTo(Self, failure: e => new ResumeQueryFailed(e));

    private sealed class ResumeNow
    {
        public static readonly ResumeNow Instance = new();
        private ResumeNow() { }
    }
}
