using Akka.Actor;
using Akka.Event;

namespace Steadfast.Actors;

internal sealed partial class WorkflowActor
{
    /// <summary>
    /// After recovery: re-run the code once against the whole history (never once per event), then journal
    /// what it asks for that the history lacks and re-dispatch activities that were in flight at the crash.
    /// </summary>
    private void Resume()
    {
        if (_state.Started is not { } started || _state.IsFinished)
        {
            SetReceiveTimeout(_settings.PassivateAfter); // recovered only to answer a question, or restarted after a failed start
            if (_state.IsFinished) ReportQuietIfIdle(); // not started: a start is most likely next (the request answers it otherwise)
            return;
        }
        _engine = NewEngine(started);
        _engine.StartFrom(_state.Events);
        _log.Debug("Workflow {0} resumed after {1} events: {2}, {3} step(s) in flight", _workflowId, _state.Events.Count,
            _engine.Outcome.GetType().Name.Replace("Outcome", ""), _state.InFlight.Count);
        Progress([]);
    }

    // Failures are logged by the router, summed up over all workflows: a full disk fails thousands of writes at once,
    // and one stack trace per workflow and retry (Akka's own log in the base method) buried everything else.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Debug("Journal write for workflow {0} failed at sequence {1}: {2}; stopping so that recovery restores a consistent state", _workflowId, sequenceNr, cause);
        Context.Parent.Tell(new RouterProtocol.Faulted(_workflowId, $"journal write failed: {cause.Message}"));
        Context.Stop(Self);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Journal rejected an event of workflow {0} at sequence {1}; stopping", _workflowId, sequenceNr);
        Context.Parent.Tell(new RouterProtocol.Faulted(_workflowId, $"journal rejected an event: {cause.Message}"));
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        if (Unreadable(reason) is { } cause) // the same bytes fail the same way on every retry: no backoff loop
            Context.Parent.Tell(new RouterProtocol.Quarantined(_workflowId,
                $"an event of workflow '{_workflowId}' after sequence {LastSequenceNr} cannot be read: {cause.Message}"));
        else
        {
            _log.Debug("Recovery of workflow {0} failed: {1}", _workflowId, reason);
            Context.Parent.Tell(new RouterProtocol.Faulted(_workflowId, $"recovery failed: {reason.Message}"));
        }
        Context.Stop(Self);
    }

    /// <summary>The decoding error inside a recovery failure, when the plugin could not read a stored event or snapshot.</summary>
    private static Exception? Unreadable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (Storage.UnreadableEvent.IsDecodingError(e)) return e;
        return null;
    }
}
