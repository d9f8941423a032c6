using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;
using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;
using static Steadfast.Actors.ActivityProtocol;

namespace Steadfast.Actors;

/// <summary>
/// One workflow execution: an event-sourced actor whose journal is the workflow's history. It runs the
/// workflow code through the replay engine, journals what the code asked for before starting it, and
/// supervises one <see cref="ActivityRunnerActor"/> per activity step in flight.
/// </summary>
internal sealed partial class WorkflowActor : ReceivePersistentActor, IWithTimers
{
    private readonly string _workflowId;
    private readonly SteadfastRegistry _registry;
    private readonly SteadfastSettings _settings;
    private readonly IServiceProvider _services;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waiters = [];
    private ExecutionState _state = ExecutionState.Empty;
    private WorkflowExecution? _engine;
    private readonly HashSet<int> _childrenAsked = [];
    private readonly Dictionary<int, IActorRef> _runners = new(); // step → its runner, from start until the runner has stopped
    private readonly List<(object Request, IActorRef Asker)> _unconfirmed = []; // accepted requests whose write is not yet durable
    private long _lastSnapshotSequenceNr;
    private int _writesInFlight;
    private bool _quietReported;
    private IReadOnlyList<HistoryEvent>? _preloaded;

    public WorkflowActor(string workflowId, SteadfastRegistry registry, SteadfastSettings settings, IServiceProvider services,
        bool snapshotExpected, IReadOnlyList<HistoryEvent>? preloaded)
    {
        // Without a snapshot to look for, recovery skips the snapshot store's query and replays the journal from
        // the start: correct either way, one round trip less for new and short-lived workflows. With the history
        // read in bulk (at host start, or woken with others by the router), recovery only asks the journal for
        // the highest sequence number.
        _preloaded = preloaded;
        Recovery = preloaded is not null ? new Recovery(SnapshotSelectionCriteria.None, toSequenceNr: 0)
            : snapshotExpected ? Recovery.Default : new Recovery(SnapshotSelectionCriteria.None);
        _workflowId = workflowId;
        _registry = registry;
        _settings = settings;
        _services = services;
        PersistenceId = PersistenceIds.Of(workflowId);
        JournalPluginId = settings.JournalPluginId; // a tenant's journal, or (null) the default
        SnapshotPluginId = settings.SnapshotPluginId;

        Recover<SnapshotOffer>(offer =>
        {
            _state = ExecutionState.From(((WorkflowSnapshot)offer.Snapshot).Events);
            _lastSnapshotSequenceNr = offer.Metadata.SequenceNr;
        });
        Recover<HistoryEvent>(e => _state = _state.Apply(e));
        Recover<Tagged>(t => _state = _state.Apply((HistoryEvent)t.Payload)); // journals that keep the tag wrapper (the test kit's)
        Recover<RecoveryCompleted>(_ =>
        {
            if (_preloaded is { } history)
            {
                _preloaded = null; // the state holds the events from here on
                if (LastSequenceNr != history.Count || history[0] is not WorkflowStarted { WorkflowId: var owner } || owner != _workflowId)
                    throw new InvalidOperationException( // cannot happen with one writer; recover through the plugin instead
                        $"The history read in bulk ({history.Count} events) does not match the journal of {_workflowId} ({LastSequenceNr} events)");
                _state = ExecutionState.From(history);
            }
            Resume();
        });

        Command<StartWorkflow>(Start);
        Command<SignalWorkflow>(Signal);
        Command<CancelWorkflow>(Cancel);
        Command<TimerDue>(t => Resolve(t.Sequence, new TimerFired(t.Sequence, DateTimeOffset.UtcNow)));
        Command<WorkflowStatus>(ChildSettled);
        Command<StartRejected>(r => r.Reason is StartRejection.Overloaded or StartRejection.Unavailable or StartRejection.Faulted, r =>
        {
            // Temporary: ask again later (after a restart the parent asks anyway); the step stays pending. A faulted
            // child (an event this version cannot read) stays so until a version that reads it runs: ask rarely.
            if (_state.Children.Values.FirstOrDefault(c => c.ChildId == r.WorkflowId) is { } step)
                Timers.StartSingleTimer($"child-{step.Sequence}", new AskChildAgain(step.Sequence),
                    r.Reason == StartRejection.Faulted ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(1));
        });
        Command<StartRejected>(r => ChildFailed(r.WorkflowId, "Steadfast.ChildStartRejected." + r.Reason, r.Message));
        Command<AskChildAgain>(a =>
        {
            _childrenAsked.Remove(a.Sequence);
            StartPendingWork();
        });
        Command<WorkflowAccepted>(_ => { }); // a child's start is durable; its outcome comes as a WorkflowStatus
        Command<Terminated>(t =>
        {
            // A runner stops only after reporting, and its report is handled (and journaled) before this arrives, so
            // its step is resolved by now; one that stopped without reporting leaves its step in flight to be run again.
            foreach (var (step, runner) in _runners)
                if (runner.Equals(t.ActorRef)) { _runners.Remove(step); break; }
            StartPendingWork(); // a queued activity may take the slot
        });
        Command<Succeeded>(m => Resolve(m.Sequence, new ActivityCompleted(m.Sequence, m.ResultJson, m.Attempt, DateTimeOffset.UtcNow)));
        Command<GaveUp>(m => Resolve(m.Sequence, new ActivityFailed(m.Sequence, m.ErrorType, m.ErrorMessage, m.Attempts, DateTimeOffset.UtcNow)));
        Command<AttemptFailed>(m =>
        {
            if (!_state.InFlight.ContainsKey(m.Sequence))
            {
                Context.Stop(Sender); // the step no longer matters (cancelled, or the workflow ended): no next attempt
                return;
            }
            var runner = Sender; // waits for this write before it starts the next attempt
            Persist(new ActivityAttemptFailed(m.Sequence, m.Attempt, m.ErrorType, m.ErrorMessage, m.RetryDelay, DateTimeOffset.UtcNow), e =>
            {
                _state = _state.Apply(e);
                runner.Tell(new AttemptFailureJournaled(m.Attempt));
            });
        });
        Command<GetWorkflowStatus>(_ =>
        {
            Sender.Tell(Status());
            PassivateIfIdle();
        });
        Command<WaitForWorkflow>(_ =>
        {
            // Settled or unknown: answer now. The full status (recent events as JSON) is built only for the answer.
            if (!_state.IsStarted || Settled) Sender.Tell(Status());
            else _waiters.Add(Sender);
            PassivateIfIdle();
        });
        Command<EngineEscaped>(_ =>
        {
            _engine?.Refresh();
            Progress([]);
        });
        Command<SaveSnapshotSuccess>(s =>
        {
            if (_lastSnapshotSequenceNr > 0) DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)); // keep only the newest
            _lastSnapshotSequenceNr = s.Metadata.SequenceNr;
        });
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed; recovery will read more journal", _workflowId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of {0} failed", _workflowId));
        Command<ReceiveTimeout>(_ => PassivateIfIdle());
        Command<RouterProtocol.ResumeProbe>(_ => Sender.Tell(RouterProtocol.Resumed.Instance)); // commands wait for recovery
        Command<RouterProtocol.StopExecution>(stop =>
        {
            // Requests that reached this actor after it asked to passivate may have made it busy again (a wait, a
            // signal being written): then it stays, and the router hands it what it buffered meanwhile.
            if (CanPassivate(out _)) Context.Stop(Self);
            else Sender.Tell(new RouterProtocol.PassivationCancelled(_workflowId));
        });
        Command<RouterProtocol.DrainProbe>(probe =>
        {
            var registry = Sender;
            DeferAsync(probe, _ => registry.Tell(RouterProtocol.Drained.Instance)); // after every pending persist and its handlers
        });
    }

    // A runner that throws (a bug, not an activity failure: those are its children's) is stopped, not restarted in
    // place with its first attempt again; its step starts anew from the journal's next attempt.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public override string PersistenceId { get; }

    public override Recovery Recovery { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string workflowId, SteadfastRegistry registry, SteadfastSettings settings, IServiceProvider services,
        bool snapshotExpected = true, IReadOnlyList<HistoryEvent>? preloaded = null) =>
        Akka.Actor.Props.Create(() => new WorkflowActor(workflowId, registry, settings, services, snapshotExpected, preloaded));

    protected override void PostStop()
    {
        // Stopped by a failed write or recovery (a passivation waits until nothing is owed): what was accepted and not
        // yet answered goes back to the router, which hands it to the next incarnation, so no asker learns by timeout.
        var owed = _waiters.Select(w => ((object)new WaitForWorkflow(_workflowId), w)).Concat(_unconfirmed).ToList();
        if (owed.Count > 0) Context.Parent.Tell(new RouterProtocol.HandedBack(_workflowId, owed));
        base.PostStop();
    }

    private void Start(StartWorkflow m)
    {
        if (_state.Started is { } existing)
        {
            Sender.Tell(existing.WorkflowType == m.WorkflowType && PayloadCodec.SameJson(existing.InputJson, m.InputJson)
                ? new WorkflowAccepted(_workflowId, Created: false)
                : new StartRejected(_workflowId, StartRejection.Conflict,
                    $"Workflow '{_workflowId}' already exists as {existing.WorkflowType} with input {Divergence.Shorten(existing.InputJson)}; " +
                    $"this start asks for {m.WorkflowType} with input {Divergence.Shorten(m.InputJson)}."));
            ReportQuietIfIdle();
            return;
        }
        if (!_registry.TryGetWorkflow(m.WorkflowType, out _))
        {
            Sender.Tell(new StartRejected(_workflowId, StartRejection.UnknownType, $"Workflow type '{m.WorkflowType}' is not registered."));
            ReportQuietIfIdle();
            return;
        }
        var started = new WorkflowStarted(_workflowId, m.WorkflowType, m.InputJson, Random.Shared.NextInt64(), DateTimeOffset.UtcNow);
        _engine = NewEngine(started);
        _engine.Start();
        Progress([started], m, new WorkflowAccepted(_workflowId, Created: true));
    }

    private void Resolve(int sequence, HistoryEvent resolution)
    {
        if (!_state.IsPending(sequence)) return; // a late or repeated report of a step already journaled
        _engine!.Apply(resolution);
        Progress([resolution]);
    }

    /// <summary>
    /// Journals <paramref name="leading"/> plus whatever the engine now asks for (new steps or the terminal
    /// event) in one atomic write, then acts on it: acknowledge, start activities, snapshot, notify.
    /// </summary>
    /// <remarks>
    /// <paramref name="request"/> (with its asker) is answered with <paramref name="answer"/> once the write is durable;
    /// until then it is unconfirmed: should the actor stop first (a failed write), the request goes back to the router
    /// for the next incarnation instead of being lost.
    /// </remarks>
    private void Progress(IReadOnlyList<HistoryEvent> leading, object? request = null, object? answer = null)
    {
        var asker = Sender;
        var events = new List<HistoryEvent>(leading);
        var now = DateTimeOffset.UtcNow;
        var commands = _engine!.TakeNewCommands();
        switch (_engine.Outcome)
        {
            case CompletedOutcome c:
                events.Add(new WorkflowCompleted(c.ResultJson, now));
                break;
            case FailedOutcome f:
                events.Add(new WorkflowFailed(f.ErrorType, f.ErrorMessage, now));
                break;
            case CancelledOutcome c:
                events.Add(new WorkflowCancelled(c.Reason, now));
                break;
            case SuspendedOutcome:
                break; // not journaled: fixed code resumes it on the next recovery
            default:
                events.AddRange(commands.Select(c => Journaled(c, now)));
                break;
        }
        if (events.Count == 0)
        {
            if (answer is not null) asker.Tell(answer);
            AfterDurable();
            return;
        }
        var waitingForSignalAfter = _engine.Outcome == WorkflowOutcome.Running && _engine.WaitingForSignals.Count > 0
            && events.Aggregate(_state, (s, e) => s.Apply(e)) is { NothingRunning: true, Timers.IsEmpty: true };
        PersistAll(events.Select((e, i) => JournalTags.ForJournal(e, waitingForSignalAfter && i == events.Count - 1)),
            e => _state = _state.Apply(e is Tagged t ? (HistoryEvent)t.Payload : (HistoryEvent)e));
        if (request is not null) _unconfirmed.Add((request, asker));
        _writesInFlight++;
        if (_quietReported) // moving again (a timer, a signal, a child's result): in flight until quiet again
        {
            _quietReported = false;
            Context.Parent.Tell(new RouterProtocol.Busy(_workflowId));
        }
        DeferAsync(events[^1], _ =>
        {
            _writesInFlight--;
            if (request is not null)
            {
                _unconfirmed.Remove((request, asker));
                asker.Tell(answer);
            }
            AfterDurable();
        });
    }

    private static HistoryEvent Journaled(WorkflowCommand command, DateTimeOffset now) => command switch
    {
        ScheduleActivity c => new ActivityScheduled(c.Sequence, c.ActivityName, c.InputJson, c.RetryPolicy, c.AttemptTimeout, now),
        StartTimer t => new TimerStarted(t.Sequence, t.FireAt, now),
        StartChildWorkflow c => new ChildWorkflowStarted(c.Sequence, c.ChildId, c.WorkflowType, c.InputJson, now),
        _ => throw new InvalidOperationException($"No journal event for {command}"),
    };

    /// <summary>Starts what the journal says is pending and not started in this incarnation: activities (up to the limit), timers, children.</summary>
    private void StartPendingWork()
    {
        // A step is started once per incarnation: its runner stays in _runners until it has stopped, and it stops only
        // after its outcome was reported (and so journaled before the next command is handled). Children alone are
        // no guide: Akka forgets a stopped child before its Terminated (and the report ahead of it) is handled.
        foreach (var scheduled in _state.InFlight.Values)
        {
            if (_runners.ContainsKey(scheduled.Sequence)) continue;
            if (_runners.Count >= _settings.MaxConcurrentActivities) break; // the rest start as running ones finish
            _registry.TryGetActivity(scheduled.ActivityName, out var activity);
            var runner = Context.ActorOf(ActivityRunnerActor.Props(new Step(_workflowId, scheduled), _state.NextAttempt(scheduled.Sequence),
                activity, _services, _settings.MaxPayloadBytes), $"activity-{scheduled.Sequence}");
            Context.Watch(runner);
            _runners[scheduled.Sequence] = runner;
        }
        foreach (var timer in _state.Timers.Values)
        {
            var key = $"timer-{timer.Sequence}";
            if (Timers.IsTimerActive(key)) continue;
            var delay = timer.FireAt - DateTimeOffset.UtcNow;
            Timers.StartSingleTimer(key, new TimerDue(timer.Sequence), delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        }
        foreach (var child in _state.Children.Values)
        {
            if (!_childrenAsked.Add(child.Sequence)) continue;
            Context.Parent.Tell(new StartWorkflow(child.ChildId, child.WorkflowType, child.InputJson)); // idempotent after a restart
            Context.Parent.Tell(new WaitForWorkflow(child.ChildId));
        }
    }

    private void AfterDurable()
    {
        foreach (var (step, runner) in _runners)
            if (!_state.InFlight.ContainsKey(step)) Context.Stop(runner); // the workflow ended or was cancelled: its outcome no longer matters
        StartPendingWork();

        ReportQuietIfIdle();
        if (WaitingOnlyForTimersOrSignals) SetReceiveTimeout(_settings.PassivateAfter); // leaves memory until its timer or a signal
        // The snapshot is the whole history, so it is taken after snapshot-every events and then each time the
        // history has doubled: a long history is rewritten O(log n) times, not n/snapshot-every times. A finished
        // workflow gets a last one only if its tail is long: a short history reads as fast as a snapshot, and each
        // snapshot is a transaction of its own, outside the journal's batched writes.
        var sinceSnapshot = LastSequenceNr - _lastSnapshotSequenceNr;
        if (sinceSnapshot >= (_state.IsFinished ? _settings.SnapshotEvery : Math.Max(_settings.SnapshotEvery, _lastSnapshotSequenceNr)))
            SaveSnapshot(new WorkflowSnapshot(_state.Events));
        if (!Settled) return;

        if (_engine?.Outcome is SuspendedOutcome s && !_state.IsFinished)
            _log.Error("Workflow {0} is suspended: {1}", _workflowId, s.Divergence.Message);
        var status = Status();
        foreach (var waiter in _waiters) waiter.Tell(status);
        _waiters.Clear();
        SetReceiveTimeout(_settings.PassivateAfter);
    }

    private void Signal(SignalWorkflow m)
    {
        if (m.SignalId is { } journaled && _state.SignalIds.Contains(journaled))
        {
            Sender.Tell(new SignalAccepted(_workflowId, m.Name, Duplicate: true)); // a retry of a signal already journaled (maybe the one that finished it)
            return;
        }
        if (SignalOrCancelRefusal(out var reason, out var message))
        {
            Sender.Tell(new SignalRejected(_workflowId, m.Name, reason, message));
            return;
        }
        // Every signal is journaled with an id: the caller's, or one made here, under which a request handed back after
        // a failed write is recognised if that write did land.
        var signal = m.SignalId is null ? m with { SignalId = Guid.NewGuid().ToString("N") } : m;
        var received = new SignalReceived(m.Name, m.PayloadJson, signal.SignalId, DateTimeOffset.UtcNow);
        _engine!.Apply(received); // started and unfinished: the engine exists
        Progress([received], signal, new SignalAccepted(_workflowId, m.Name));
    }

    private void Cancel(CancelWorkflow m)
    {
        if (_state.CancelReason is not null)
        {
            Sender.Tell(new CancelAccepted(_workflowId)); // already requested (maybe already ended Cancelled): idempotent
            return;
        }
        if (SignalOrCancelRefusal(out var reason, out var message))
        {
            Sender.Tell(new CancelRejected(_workflowId, reason, message));
            return;
        }
        // Stop what runs for the pending steps: their outcomes no longer matter (the engine fails them all).
        foreach (var runner in _runners.Values) Context.Stop(runner); // they stay counted until their Terminated
        foreach (var timer in _state.Timers.Keys) Timers.Cancel($"timer-{timer}");
        foreach (var child in _state.Children.Values) Context.Parent.Tell(new CancelWorkflow(child.ChildId, $"parent {_workflowId} cancelled: {m.Reason}"));
        var requested = new WorkflowCancelRequested(m.Reason, DateTimeOffset.UtcNow);
        _engine!.Apply(requested);
        Progress([requested], m, new CancelAccepted(_workflowId));
    }

    private bool SignalOrCancelRefusal(out RejectionReason reason, out string message)
    {
        (reason, message) = _state switch
        {
            { IsStarted: false } => (RejectionReason.NotFound, $"No workflow has the id '{_workflowId}'."),
            { Terminal: { } t } => (RejectionReason.Finished, $"Workflow '{_workflowId}' has already finished ({HistoryEventCodec.ManifestOf(t).Split('.')[0]})."),
            _ => (default, ""),
        };
        if (!_state.IsStarted) PassivateIfIdle();
        return message.Length > 0;
    }

    private void ChildSettled(WorkflowStatus child)
    {
        var step = _state.Children.Values.FirstOrDefault(c => c.ChildId == child.WorkflowId);
        if (step is null) return;
        switch (child.Status)
        {
            case ExecutionStatus.Completed:
                Resolve(step.Sequence, new ChildWorkflowCompleted(step.Sequence, child.ResultJson!, DateTimeOffset.UtcNow));
                break;
            case ExecutionStatus.Failed or ExecutionStatus.Cancelled:
                ChildFailed(child.WorkflowId, child.Status == ExecutionStatus.Cancelled ? "Steadfast.ChildCancelled" : "Steadfast.ChildFailed", child.Error ?? "");
                break;
            default:
                break; // suspended or not found yet: a restart asks again
        }
    }

    private void ChildFailed(string childId, string errorType, string message)
    {
        if (_state.Children.Values.FirstOrDefault(c => c.ChildId == childId) is { } step)
            Resolve(step.Sequence, new ChildWorkflowFailed(step.Sequence, errorType, message, DateTimeOffset.UtcNow));
    }

    /// <summary>Finished or suspended: nothing moves it on, and a waiter gets its answer now.</summary>
    private bool Settled => _state.IsFinished || _engine?.Outcome is SuspendedOutcome;

    /// <summary>Unfinished, with nothing running: only timers and signals can move it on.</summary>
    private bool WaitingOnlyForTimersOrSignals =>
        _state is { IsStarted: true, IsFinished: false, NothingRunning: true }
        && _engine is { Outcome: var outcome } && outcome == WorkflowOutcome.Running
        && (!_state.Timers.IsEmpty || _engine.WaitingForSignals.Count > 0);

    /// <summary>
    /// Frees its admission slot once nothing of its own runs: settled, or waiting only for timers, signals or children
    /// (a parent must not hold a slot its children may need). It reports <see cref="RouterProtocol.Busy"/> when it
    /// writes again, and Quiet again after.
    /// </summary>
    private void ReportQuietIfIdle()
    {
        var quiet = !_state.IsStarted || Settled || (_state.InFlight.IsEmpty && _runners.Count == 0 && _engine?.Outcome == WorkflowOutcome.Running);
        if (_quietReported || !quiet || _writesInFlight > 0) return;
        _quietReported = true;
        Context.Parent.Tell(new RouterProtocol.Quiet(_workflowId));
    }

    private void PassivateIfIdle()
    {
        ReportQuietIfIdle();
        if (CanPassivate(out var dormant))
            Context.Parent.Tell(new RouterProtocol.Passivate(_workflowId, dormant, _lastSnapshotSequenceNr > 0,
                dormant && !_state.Timers.IsEmpty ? _state.Timers.Values.Min(t => t.FireAt) : null));
    }

    /// <summary>
    /// Never started, finished, suspended, or waiting only for timers and signals (<paramref name="dormant"/>), with
    /// no waiter to answer, no runner alive and no write pending: nothing in this process moves it on before its next
    /// timer, and stopping loses no answer. The router brings it back at that timer, or when a request comes.
    /// </summary>
    private bool CanPassivate(out bool dormant)
    {
        dormant = WaitingOnlyForTimersOrSignals;
        var idle = !_state.IsStarted || Settled || dormant;
        return idle && _waiters.Count == 0 && _runners.Count == 0 && _writesInFlight == 0;
    }

    private WorkflowExecution NewEngine(WorkflowStarted started)
    {
        var engine = new WorkflowExecution(_registry, started, _settings.MaxPayloadBytes);
        var self = Self; // the callback comes from a foreign thread
        engine.ForeignWorkDetected = () => self.Tell(EngineEscaped.Instance);
        return engine;
    }

    private WorkflowStatus Status() => StatusReport.Of(_workflowId, _state, _engine, _settings.StatusRecentEvents);

    /// <summary>Self-message: ask the router again to start the child of step <paramref name="Sequence"/>.</summary>
    private sealed record AskChildAgain(int Sequence);

    /// <summary>Self-message: the timer of a step is due.</summary>
    private sealed record TimerDue(int Sequence);

    /// <summary>Self-message: the engine saw workflow code escape its scheduler.</summary>
    private sealed class EngineEscaped
    {
        public static readonly EngineEscaped Instance = new();
        private EngineEscaped() { }
    }
}
