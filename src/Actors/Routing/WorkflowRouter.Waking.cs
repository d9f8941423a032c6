using Akka.Actor;
using Akka.Event;
using Steadfast.Actors.Storage;

namespace Steadfast.Actors;

/// <summary>
/// Bringing workflows that are not in memory back: dormant ones (known, unfinished, on disk only), their status read
/// from the journal without waking them, and the bulk read of the histories of all ids woken together.
/// </summary>
public sealed partial class WorkflowRouter
{
    /// <summary>
    /// Brings a workflow that is not in memory back, then hands it <paramref name="request"/>. Its history is read
    /// together with those of the others woken meanwhile (one query per 500 ids instead of the plugin's query and
    /// replay stream each) and its actor recovers from it; one with a snapshot, or unknown, or any without direct
    /// reads, recovers through the plugin.
    /// </summary>
    private void BringBack(string workflowId, (object Message, IActorRef Sender)? request = null)
    {
        if (_reads is null)
        {
            var actor = Spawn(workflowId, _dormant.GetValueOrDefault(workflowId, true));
            if (request is { } r) actor.Tell(r.Message, r.Sender);
            return;
        }
        _waking[workflowId] = request is { } waiting ? [waiting] : [];
        ReadWakingHistories();
    }

    /// <summary>
    /// Not known to be an existing workflow: not in memory or on its way, not dormant, faulted or quarantined. A start for
    /// such an id would write (a known one at most answers from its journal).
    /// </summary>
    private bool IsNew(string workflowId) =>
        !_workflows.ContainsKey(workflowId) && !_waking.ContainsKey(workflowId) && !_passivating.ContainsKey(workflowId) &&
        !_dormant.ContainsKey(workflowId) && !_quarantined.ContainsKey(workflowId) && !_faults.ContainsKey(workflowId);

    /// <summary>Dormant: known, unfinished, and neither in memory nor on its way there.</summary>
    private bool IsOnDiskOnly(string workflowId) =>
        _dormant.ContainsKey(workflowId) && !_workflows.ContainsKey(workflowId) && !_waking.ContainsKey(workflowId) && !_passivating.ContainsKey(workflowId);

    /// <summary>A status question for a dormant workflow is answered from its journal, without bringing it back.</summary>
    private void AnswerFromJournal(GetWorkflowStatus question)
    {
        var (id, asker, registry, settings) = (question.WorkflowId, Sender, _registry, _settings);
        _reads!.ReadHistories([id]).ContinueWith(read =>
        {
            try
            {
                if (read.IsCompletedSuccessfully && read.Result.Unreadable.TryGetValue(id, out var unreadable)) return new StatusFromJournal(question, asker, null, unreadable);
                return new StatusFromJournal(question, asker,
                    read.IsCompletedSuccessfully && read.Result.Histories.TryGetValue(id, out var history) ? StatusReport.FromHistory(id, history, registry, settings.StatusRecentEvents, settings.MaxPayloadBytes) : null);
            }
            catch (Exception)
            {
                return new StatusFromJournal(question, asker, null); // the workflow itself answers (and reports what is wrong)
            }
        }, TaskScheduler.Default).PipeTo(Self);
    }

    private void ReadWakingHistories()
    {
        if (_readingHistories || _waking.Count == 0) return;
        _readingHistories = true;
        var ids = _waking.Keys.ToList();
        _reads!.ReadHistories(ids).PipeTo(Self, success: h => new HistoriesRead(ids, h), failure: e =>
        {
            _log.Warning(e, "Reading the histories of {0} workflow(s) failed; they recover through the journal plugin", ids.Count);
            return new HistoriesRead(ids, null);
        });
    }

    private sealed record HistoriesRead(IReadOnlyList<string> WorkflowIds, WorkflowHistories.Read? Histories);

    private sealed record StatusFromJournal(GetWorkflowStatus Question, IActorRef Asker, WorkflowStatus? Status, UnreadableEvent? Unreadable = null);
}
