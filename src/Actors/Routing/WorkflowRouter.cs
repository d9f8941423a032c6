using Akka.Actor;
using Akka.Event;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;
using static Steadfast.Actors.RouterProtocol;

namespace Steadfast.Actors;

/// <summary>
/// The front door (an ordinary actor, not an Akka router pool): validates starts, routes every message to the
/// workflow's actor by id (creating it on demand), passivates idle ones without losing messages sent meanwhile, and
/// brings back workflow actors that stopped unexpectedly, with backoff. This file holds the message table and the
/// routing; by concern: <c>.Admission</c> (slots, waiting starts, refusals), <c>.Waking</c> (dormant workflows and
/// bulk history reads), <c>.Faults</c> (failing and quarantined workflows), <c>.Lifecycle</c> (resume at start, drain).
/// </summary>
public sealed partial class WorkflowRouter : ReceiveActor, IWithTimers
{
    private readonly SteadfastRegistry _registry;
    private readonly SteadfastSettings _settings;
    private readonly IServiceProvider _services;
    private readonly JournalReads? _reads;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _workflows = new();
    private readonly Dictionary<IActorRef, string> _idsByActor = new();
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _passivating = new();
    private readonly Dictionary<string, int> _restarts = new();
    private readonly Dictionary<string, string> _faults = new();
    private readonly Dictionary<string, string> _quarantined = new(); // id → which event cannot be read
    private readonly HashSet<IActorRef> _draining = [];
    private readonly Dictionary<string, bool> _dormant = new(); // id → has a snapshot
    private readonly HashSet<IActorRef> _resuming = [];
    private readonly Dictionary<string, Passivate> _passivatingDormant = new();
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _parked = new();
    private readonly Dictionary<string, IReadOnlyList<(object Message, IActorRef Sender)>> _handedBack = new();
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _waking = new(); // ids not in memory whose histories are being read, with their requests
    private bool _readingHistories;
    private bool _resumeListed;
    private IActorRef? _drainRequester;
    private bool _closed;
    private string? _diskLow; // why new starts are refused, while the journal's volume is low on space
    private int _faultsSinceSummary;
    private (string WorkflowId, string Reason) _lastFault;
    private static readonly TimeSpan FaultSummaryInterval = TimeSpan.FromSeconds(10);
    private readonly AdmissionGate _gate;

    public WorkflowRouter(SteadfastRegistry registry, SteadfastSettings settings, IServiceProvider services, JournalReads? reads)
    {
        _registry = registry;
        _settings = settings;
        _services = services;
        _reads = reads;
        _gate = new AdmissionGate(settings.Admission);

        Receive<StartWorkflow>(m =>
        {
            if (_closed) Sender.Tell(new StartRejected(m.WorkflowId, StartRejection.Unavailable, ShuttingDown));
            else if (StartValidation.Check(m, _registry, _settings.MaxPayloadBytes) is { } rejected) Sender.Tell(rejected);
            else if (_diskLow is not null && IsNew(m.WorkflowId) && !IsWorkflowActor(Sender)) Refuse(m, Sender, _diskLow);
            else Deliver(m.WorkflowId, m);
        });
        Receive<SignalWorkflow>(m => _closed, m => Sender.Tell(new SignalRejected(m.WorkflowId, m.Name, RejectionReason.Unavailable, ShuttingDown)));
        Receive<CancelWorkflow>(m => _closed, m => Sender.Tell(new CancelRejected(m.WorkflowId, RejectionReason.Unavailable, ShuttingDown)));
        Receive<DrainWorkflows>(_ =>
        {
            _closed = true;
            foreach (var held in _gate.TakeAll()) RefuseWhileClosed(held.Message, held.Sender); // resumes held are simply not started
            _drainRequester = Sender;
            _draining.UnionWith(_workflows.Values);
            foreach (var workflow in _draining) workflow.Tell(RouterProtocol.DrainProbe.Instance);
            Timers.StartSingleTimer("drain", RouterProtocol.DrainTimedOut.Instance, _settings.DrainTimeout);
            DrainedIfDone();
        });
        Receive<RouterProtocol.Drained>(_ =>
        {
            _draining.Remove(Sender);
            DrainedIfDone();
        });
        Receive<RouterProtocol.DrainTimedOut>(_ =>
        {
            _log.Warning("{0} workflow(s) still had journal writes in flight after {1}; stopping anyway (nothing unacknowledged is lost: it was never acknowledged)",
                _draining.Count, _settings.DrainTimeout);
            _draining.Clear();
            DrainedIfDone();
        });
        Receive<GetWorkflowStatus>(m => !_workflows.ContainsKey(m.WorkflowId) && _faults.ContainsKey(m.WorkflowId) && !_quarantined.ContainsKey(m.WorkflowId),
            m => Sender.Tell(FaultedStatus(m.WorkflowId)));
        Receive<GetWorkflowStatus>(m => IsOnDiskOnly(m.WorkflowId) && _reads is not null, m => AnswerFromJournal(m));
        Receive<GetWorkflowStatus>(m => DeliverOrReject(m.WorkflowId, m, () => WorkflowStatus.NotFound(m.WorkflowId)));
        Receive<StatusFromJournal>(r =>
        {
            if (r.Unreadable is { } unreadable)
            {
                Quarantine(r.Question.WorkflowId, unreadable.Describe());
                AnswerQuarantined(r.Question, r.Asker);
            }
            else if (r.Status is { } status) r.Asker.Tell(status);
            else Deliver(r.Question.WorkflowId, r.Question, r.Asker); // not readable beside the plugin (a snapshot): ask the workflow itself
        });
        Receive<Faulted>(f =>
        {
            _faults[f.WorkflowId] = f.Reason;
            _faultsSinceSummary++;
            _lastFault = (f.WorkflowId, f.Reason);
            if (!Timers.IsTimerActive("fault-summary")) Timers.StartPeriodicTimer("fault-summary", FaultSummary.Instance, FaultSummaryInterval);
        });
        Receive<FaultSummary>(_ =>
        {
            if (_faultsSinceSummary == 0)
            {
                Timers.Cancel("fault-summary");
                return;
            }
            _log.Warning("{0} workflow failure(s) in the last {1} ({2} workflow(s) faulted now), e.g. {3}: {4}. They are recovered with backoff from " +
                         "what was committed; none advances or loses events meanwhile.", _faultsSinceSummary, FaultSummaryInterval, _faults.Count,
                _lastFault.WorkflowId, _lastFault.Reason);
            _faultsSinceSummary = 0;
        });
        Receive<DiskPressure>(d => _diskLow = d.Reason);
        Receive<Quarantined>(q =>
        {
            if (_reads is null)
            {
                Quarantine(q.WorkflowId, q.Reason);
                return;
            }
            // The plugin's error names neither the event nor its sequence number: find them, then say it once.
            _quarantined.TryAdd(q.WorkflowId, q.Reason);
            var id = q.WorkflowId;
            _reads.ReadHistories([id]).PipeTo(Self, success: read => new QuarantineDetail(id, read.Unreadable.GetValueOrDefault(id)?.Describe() ?? q.Reason),
                failure: _ => new QuarantineDetail(id, q.Reason));
        });
        Receive<QuarantineDetail>(d =>
        {
            _quarantined.Remove(d.WorkflowId);
            Quarantine(d.WorkflowId, d.Reason);
        });
        Receive<WaitForWorkflow>(m => DeliverOrReject(m.WorkflowId, m, () => WorkflowStatus.NotFound(m.WorkflowId)));
        Receive<SignalWorkflow>(m =>
        {
            if (StartValidation.CheckSignal(m, _settings.MaxPayloadBytes) is { } problem)
                Sender.Tell(new SignalRejected(m.WorkflowId, m.Name, RejectionReason.Invalid, problem));
            else DeliverOrReject(m.WorkflowId, m, () => new SignalRejected(m.WorkflowId, m.Name, RejectionReason.NotFound, $"No workflow has the id '{Echo.Clip(m.WorkflowId)}'."));
        });
        Receive<CancelWorkflow>(m => DeliverOrReject(m.WorkflowId, m,
            () => new CancelRejected(m.WorkflowId, RejectionReason.NotFound, $"No workflow has the id '{Echo.Clip(m.WorkflowId)}'.")));
        Receive<Passivate>(p =>
        {
            if (!_workflows.TryGetValue(p.WorkflowId, out var actor) || _passivating.ContainsKey(p.WorkflowId)) return;
            _passivating[p.WorkflowId] = [];
            if (p.Dormant) _passivatingDormant[p.WorkflowId] = p;
            actor.Tell(StopExecution.Instance);
        });
        Receive<PassivationCancelled>(c =>
        {
            if (!_passivating.Remove(c.WorkflowId, out var buffered)) return;
            _passivatingDormant.Remove(c.WorkflowId);
            foreach (var (message, sender) in buffered) Deliver(c.WorkflowId, message, sender);
        });
        Receive<HandedBack>(h => _handedBack[h.WorkflowId] = h.Requests); // delivered once its Terminated is handled
        Receive<Quiet>(q =>
        {
            _gate.Release(q.WorkflowId);
            AdmitWaiting();
        });
        Receive<Busy>(b => _workflows.ContainsKey(b.WorkflowId), b => _gate.MarkActive(b.WorkflowId)); // passes the gate, counted
        Receive<AdmissionTick>(_ =>
        {
            foreach (var expired in _gate.TakeExpired()) Refuse(expired.Message, expired.Sender,
                $"The host is at its limit of {_settings.Admission.MaxActiveWorkflows} workflows in flight and this start waited {_settings.Admission.MaxWait} for a slot; retry with backoff.");
            if (_gate.WaitingIds == 0) Timers.Cancel("admission");
        });
        Receive<Terminated>(t => Stopped(t.ActorRef));
        Receive<Restart>(r =>
        {
            if (!_workflows.ContainsKey(r.WorkflowId)) Spawn(r.WorkflowId);
            if (_parked.Remove(r.WorkflowId, out var parked))
                foreach (var (message, sender) in parked) Deliver(r.WorkflowId, message, sender);
        });
        Receive<Wake>(w =>
        {
            if (_dormant.ContainsKey(w.WorkflowId) && !_workflows.ContainsKey(w.WorkflowId) && !_waking.ContainsKey(w.WorkflowId)) BringBack(w.WorkflowId);
        });
        Receive<HistoriesRead>(read =>
        {
            _readingHistories = false;
            foreach (var id in read.WorkflowIds)
            {
                if (!_waking.Remove(id, out var buffered)) continue;
                if (read.Histories?.Unreadable.GetValueOrDefault(id) is { } unreadable)
                {
                    Quarantine(id, unreadable.Describe());
                    foreach (var (message, sender) in buffered) AnswerQuarantined(message, sender);
                    continue;
                }
                var actor = _workflows.GetValueOrDefault(id) ?? Spawn(id, _dormant.GetValueOrDefault(id, true), read.Histories?.Histories.GetValueOrDefault(id));
                foreach (var (message, sender) in buffered) actor.Tell(message, sender);
            }
            ReadWakingHistories(); // the ids that came while this read ran
        });
        // A workflow actor that fails (its recovery or a write) stops with the requests it had stashed; they reach
        // the dead letters. Keep them for its next incarnation instead of leaving their callers to time out.
        Receive<DeadLetter>(d => d.Recipient.Path.Parent.Equals(Self.Path) && d.Message is StartWorkflow or SignalWorkflow
            or CancelWorkflow or GetWorkflowStatus or WaitForWorkflow, d =>
        {
            var id = d.Recipient.Path.Name;
            if (_quarantined.ContainsKey(id)) AnswerQuarantined(d.Message, d.Sender);
            else if (d.Message is GetWorkflowStatus && _faults.ContainsKey(id)) d.Sender.Tell(FaultedStatus(id)); // a question does not wait for the fault to end
            else if (_workflows.ContainsKey(id) || _passivating.ContainsKey(id)) Deliver(id, d.Message, d.Sender);
            else // until Restart, not a spawn loop
            {
                var waiting = _restarts.GetValueOrDefault(id) >= AnswerAfterFailures - 1 && _faults.TryGetValue(id, out var fault)
                    ? AnswerWhileFaulted(id, fault, [(d.Message, d.Sender)]) : [(d.Message, d.Sender)];
                if (waiting.Count > 0) (_parked.TryGetValue(id, out var parked) ? parked : _parked[id] = []).AddRange(waiting);
            }
        });
        Receive<UnfinishedWorkflows.Found>(found =>
        {
            _log.Info("Resuming {0} unfinished workflow(s); {1} more wait only for a signal and stay on disk until it comes{2}",
                found.Recover.Count, found.Dormant.Count,
                found.Unreadable.Count > 0 ? $"; {found.Unreadable.Count} cannot be read by this version and stay faulted" : "");
            foreach (var w in found.All.Where(w => !_workflows.ContainsKey(w.WorkflowId) && !_gate.IsWaiting(w.WorkflowId) && !_waking.ContainsKey(w.WorkflowId)))
                if (w.Unreadable is { } unreadable) Quarantine(w.WorkflowId, unreadable.Describe());
                else if (w.Dormant) _dormant[w.WorkflowId] = w.HasSnapshot;
                else if (_gate.HasRoom) Resume(w);
                else _gate.HoldResume(w);
            if (_gate.WaitingIds > 0) EnsureAdmissionTick();
            _resumeListed = true;
        });
        Receive<Resumed>(_ => _resuming.Remove(Sender));
        Receive<GetRuntimeStats>(_ => Sender.Tell(new RuntimeStats(_workflows.Count, _dormant.Count,
            ResumeDone: (_resumeListed || _reads is null) && _resuming.Count == 0 && _gate.ResumesWaiting == 0,
            InFlight: _gate.Active, WaitingForSlot: _gate.WaitingIds, Quarantined: _quarantined.Count, Degraded: _diskLow)));
        Receive<ResumeQueryFailed>(f =>
        {
            _log.Error(f.Error, "Could not list unfinished workflows; retrying in {0}", _settings.RestartBackoffMax);
            Timers.StartSingleTimer("resume", ResumeNow.Instance, _settings.RestartBackoffMax);
        });
        Receive<ResumeNow>(_ => QueryUnfinished());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props of the router; <paramref name="reads"/> lists the workflows to resume at start and reads histories in
    /// bulk (without it nothing is resumed at start and every recovery goes through the plugin).
    /// </summary>
    public static Props Props(SteadfastRegistry registry, SteadfastSettings settings, IServiceProvider services, JournalReads? reads) =>
        Akka.Actor.Props.Create(() => new WorkflowRouter(registry, settings, services, reads));

    protected override void PreStart()
    {
        // Start the journal and snapshot plugins now: they create the schema, so a new file is complete at once.
        var persistence = Akka.Persistence.Persistence.Instance.Apply(Context.System);
        persistence.JournalFor(_settings.JournalPluginId);
        persistence.SnapshotStoreFor(_settings.SnapshotPluginId);
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        // Akka 1.5.73 starts its scheduler on first use: its loop is queued on the thread pool and every caller blocks a
        // pool thread until that loop runs (cf. akka.net#7130). Hundreds of first recoveries (each schedules a timeout)
        // then took every pool thread for 20-80 s (W4; JournalFailureSpec). SteadfastActorSystem.StartRouter starts it
        // before the router exists (cheaper there); this covers a router created from its Props alone (a no-op otherwise).
        Context.System.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, static () => { });
        QueryUnfinished();
    }

    // A workflow actor that throws is stopped, never restarted in place: it comes back through recovery.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private const string ShuttingDown = "The host is shutting down; send it again once it is back.";

    private void DeliverOrReject(string workflowId, object message, Func<object> notFound)
    {
        if (StartValidation.IsValidId(workflowId)) Deliver(workflowId, message);
        else Sender.Tell(notFound());
    }

    /// <summary>Routes a request to the workflow's actor; <paramref name="sender"/> (default: the current one) gets the answer.</summary>
    private void Deliver(string workflowId, object message, IActorRef? sender = null)
    {
        sender ??= Sender;
        if (_quarantined.ContainsKey(workflowId))
        {
            AnswerQuarantined(message, sender);
            return;
        }
        if (_passivating.TryGetValue(workflowId, out var buffer))
        {
            buffer.Add((message, sender));
            return;
        }
        if (_waking.TryGetValue(workflowId, out var waking))
        {
            waking.Add((message, sender));
            return;
        }
        if (_gate.IsWaiting(workflowId))
        {
            _gate.Hold(workflowId, message, sender);
            // A workflow asking for one that waits (a parent re-sending its child's start after a restart) must not wait
            // behind it: the parent holds a slot until the child is done.
            if (IsWorkflowActor(sender) && !_closed && _gate.TakeWaiting(workflowId) is { } waiting) Admit(workflowId, waiting);
            return;
        }
        if (!_workflows.TryGetValue(workflowId, out var actor))
        {
            if (message is not StartWorkflow)
            {
                BringBack(workflowId, (message, sender));
                return;
            }
            // A child's start passes the gate: its parent holds a slot and waits for it.
            var child = IsWorkflowActor(sender);
            if (!child && !_gate.HasRoom)
            {
                if (_gate.Full)
                    Refuse(message, sender, $"The host is at its limit of {_settings.Admission.MaxActiveWorkflows} workflows in flight and " +
                                            $"{_gate.WaitingIds} starts are already waiting; retry with backoff.");
                else
                {
                    _gate.Hold(workflowId, message, sender);
                    EnsureAdmissionTick();
                }
                return;
            }
            // A start is almost always for a new id: its recovery skips the snapshot query (and replays the journal
            // if the id did exist).
            actor = Spawn(workflowId, snapshotExpected: false);
        }
        actor.Tell(message, sender);
    }

    private IActorRef Spawn(string workflowId, bool snapshotExpected = true, IReadOnlyList<Runtime.History.HistoryEvent>? preloaded = null)
    {
        if (_dormant.Remove(workflowId)) Timers.Cancel("wake-" + workflowId); // only a dormant workflow has a wake-up timer
        var actor = Context.ActorOf(WorkflowActor.Props(workflowId, _registry, _settings, _services, snapshotExpected, preloaded), workflowId);
        Context.Watch(actor);
        _workflows[workflowId] = actor;
        _idsByActor[actor] = workflowId;
        _gate.MarkActive(workflowId);
        return actor;
    }

    private bool IsWorkflowActor(IActorRef sender) => sender.Path.Parent.Equals(Self.Path);

    private void Stopped(IActorRef actor)
    {
        if (_draining.Remove(actor)) DrainedIfDone();
        _resuming.Remove(actor);
        if (!_idsByActor.Remove(actor, out var id)) return;
        _workflows.Remove(id);
        _gate.Release(id);
        AdmitWaiting();
        var owed = _handedBack.Remove(id, out var handedBack) ? handedBack : [];
        if (_passivating.Remove(id, out var buffered))
        {
            if (_passivatingDormant.Remove(id, out var dormant)) // a buffered message spawns it again at once
            {
                _dormant[id] = dormant.HasSnapshot;
                if (dormant.WakeAt is { } due)
                    Timers.StartSingleTimer("wake-" + id, new Wake(id), TimeSpan.FromTicks(Math.Max(0, (due - DateTimeOffset.UtcNow).Ticks)));
            }
            _restarts.Remove(id);
            _faults.Remove(id);
            foreach (var (message, sender) in owed.Concat(buffered)) Deliver(id, message, sender);
            return;
        }
        if (_closed) // shutting down: the next start recovers it; what it owed is refused, not left to time out
        {
            foreach (var (message, sender) in owed) RefuseWhileClosed(message, sender);
            return;
        }
        if (_quarantined.ContainsKey(id)) // it would fail the same way again: answer, do not bring it back
        {
            foreach (var (message, sender) in owed) AnswerQuarantined(message, sender);
            if (_parked.Remove(id, out var waiting)) foreach (var (message, sender) in waiting) AnswerQuarantined(message, sender);
            _restarts.Remove(id);
            return;
        }
        var failures = _restarts[id] = _restarts.GetValueOrDefault(id) + 1;
        if (failures >= AnswerAfterFailures && _faults.TryGetValue(id, out var fault)) owed = AnswerWhileFaulted(id, fault, owed);
        if (owed.Count > 0) // for the next incarnation, ahead of what reaches the dead letters
            (_parked.TryGetValue(id, out var parked) ? parked : _parked[id] = []).InsertRange(0, owed);
        // Jittered (half to all of the exponential delay): workflows failed by one fault do not come back in waves.
        var delay = TimeSpan.FromTicks((long)(Math.Min(_settings.RestartBackoffMax.Ticks,
            _settings.RestartBackoffMin.Ticks * (1L << Math.Min(failures - 1, 20))) * (0.5 + Random.Shared.NextDouble() / 2)));
        // One line per failure only for the first of a workflow whose cause was not reported; the rest is in the summary.
        if (failures == 1 && !_faults.ContainsKey(id)) _log.Warning("Workflow {0} stopped unexpectedly; recovering it in {1}", id, delay);
        else _log.Debug("Workflow {0} stopped (failure {1}); recovering it in {2}", id, failures, delay);
        Timers.StartSingleTimer("restart-" + id, new Restart(id), delay);
    }

    private static string RequestId(object request) => request switch
    {
        StartWorkflow m => m.WorkflowId,
        SignalWorkflow m => m.WorkflowId,
        CancelWorkflow m => m.WorkflowId,
        GetWorkflowStatus m => m.WorkflowId,
        WaitForWorkflow m => m.WorkflowId,
        _ => throw new ArgumentException($"Not a workflow request: {request.GetType().Name}"),
    };
}
