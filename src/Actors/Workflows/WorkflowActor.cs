using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
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
internal sealed partial class WorkflowActor : ReceivePersistentActor
{
    private readonly string _workflowId;
    private readonly SteadfastRegistry _registry;
    private readonly SteadfastSettings _settings;
    private readonly IServiceProvider _services;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waiters = [];
    private ExecutionState _state = ExecutionState.Empty;
    private WorkflowExecution? _engine;
    private long _lastSnapshotSequenceNr;

    public WorkflowActor(string workflowId, SteadfastRegistry registry, SteadfastSettings settings, IServiceProvider services)
    {
        _workflowId = workflowId;
        _registry = registry;
        _settings = settings;
        _services = services;
        PersistenceId = PersistenceIdOf(workflowId);

        Recover<SnapshotOffer>(offer =>
        {
            _state = ExecutionState.From(((WorkflowSnapshot)offer.Snapshot).Events);
            _lastSnapshotSequenceNr = offer.Metadata.SequenceNr;
        });
        Recover<HistoryEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => Resume());

        Command<StartWorkflow>(Start);
        Command<Succeeded>(m => Resolve(m.Sequence, new ActivityCompleted(m.Sequence, m.ResultJson, m.Attempt, DateTimeOffset.UtcNow)));
        Command<GaveUp>(m => Resolve(m.Sequence, new ActivityFailed(m.Sequence, m.ErrorType, m.ErrorMessage, m.Attempts, DateTimeOffset.UtcNow)));
        Command<AttemptFailed>(m =>
        {
            if (!_state.InFlight.ContainsKey(m.Sequence)) return;
            Persist(new ActivityAttemptFailed(m.Sequence, m.Attempt, m.ErrorType, m.ErrorMessage, m.RetryDelay, DateTimeOffset.UtcNow),
                e => _state = _state.Apply(e));
        });
        Command<GetWorkflowStatus>(_ =>
        {
            Sender.Tell(Status());
            PassivateIfIdle();
        });
        Command<WaitForWorkflow>(_ =>
        {
            var status = Status();
            if (status.IsSettled || status.Status == ExecutionStatus.NotFound) Sender.Tell(status);
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
            _lastSnapshotSequenceNr = s.Metadata.SequenceNr;
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)); // keep only the newest
        });
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed; recovery will read more journal", _workflowId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of {0} failed", _workflowId));
        Command<ReceiveTimeout>(_ => PassivateIfIdle());
        Command<RegistryProtocol.StopExecution>(_ => Context.Stop(Self));
    }

    public override string PersistenceId { get; }

    public const string PersistenceIdPrefix = "workflow-";

    public static string PersistenceIdOf(string workflowId) => PersistenceIdPrefix + workflowId;

    public static Props Props(string workflowId, SteadfastRegistry registry, SteadfastSettings settings, IServiceProvider services) =>
        Akka.Actor.Props.Create(() => new WorkflowActor(workflowId, registry, settings, services));

    private void Start(StartWorkflow m)
    {
        if (_state.Started is { } existing)
        {
            Sender.Tell(existing.WorkflowType == m.WorkflowType && existing.InputJson == m.InputJson
                ? new WorkflowAccepted(_workflowId, Created: false)
                : new StartRejected(_workflowId, StartRejection.Conflict,
                    $"Workflow '{_workflowId}' already exists as {existing.WorkflowType} with input {Divergence.Shorten(existing.InputJson)}; " +
                    $"this start asks for {m.WorkflowType} with input {Divergence.Shorten(m.InputJson)}."));
            return;
        }
        if (!_registry.TryGetWorkflow(m.WorkflowType, out _))
        {
            Sender.Tell(new StartRejected(_workflowId, StartRejection.UnknownType, $"Workflow type '{m.WorkflowType}' is not registered."));
            return;
        }
        var started = new WorkflowStarted(_workflowId, m.WorkflowType, m.InputJson, Random.Shared.NextInt64(), DateTimeOffset.UtcNow);
        _engine = NewEngine(started);
        _engine.Start();
        var caller = Sender;
        Progress([started], afterDurable: () => caller.Tell(new WorkflowAccepted(_workflowId, Created: true)));
    }

    private void Resolve(int sequence, HistoryEvent resolution)
    {
        if (!_state.InFlight.ContainsKey(sequence)) return; // a late or repeated report of a step already journaled
        _engine!.Apply(resolution);
        Progress([resolution]);
    }

    /// <summary>
    /// Journals <paramref name="leading"/> plus whatever the engine now asks for (new steps or the terminal
    /// event) in one atomic write, then acts on it: acknowledge, start activities, snapshot, notify.
    /// </summary>
    private void Progress(IReadOnlyList<HistoryEvent> leading, Action? afterDurable = null)
    {
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
            case SuspendedOutcome:
                break; // not journaled: fixed code resumes it on the next recovery
            default:
                events.AddRange(commands.OfType<ScheduleActivity>().Select(c =>
                    new ActivityScheduled(c.Sequence, c.ActivityName, c.InputJson, c.RetryPolicy, c.AttemptTimeout, now)));
                break;
        }
        if (events.Count == 0)
        {
            AfterDurable();
            return;
        }
        PersistAll(events, e => _state = _state.Apply(e));
        DeferAsync(events[^1], _ =>
        {
            afterDurable?.Invoke();
            AfterDurable();
        });
    }

    private void AfterDurable()
    {
        foreach (var scheduled in _state.InFlight.Values)
        {
            var name = $"activity-{scheduled.Sequence}";
            if (!Context.Child(name).IsNobody()) continue;
            _registry.TryGetActivity(scheduled.ActivityName, out var activity);
            Context.ActorOf(ActivityRunnerActor.Props(new Step(_workflowId, scheduled), _state.NextAttempt(scheduled.Sequence),
                activity, _services, _settings.MaxPayloadBytes), name);
        }

        var settled = _state.IsFinished || _engine?.Outcome is SuspendedOutcome;
        if (_state.IsFinished && _lastSnapshotSequenceNr < LastSequenceNr || LastSequenceNr - _lastSnapshotSequenceNr >= _settings.SnapshotEvery)
            SaveSnapshot(new WorkflowSnapshot(_state.Events));
        if (!settled) return;

        if (_engine?.Outcome is SuspendedOutcome s && !_state.IsFinished)
            _log.Error("Workflow {0} is suspended: {1}", _workflowId, s.Divergence.Message);
        var status = Status();
        foreach (var waiter in _waiters) waiter.Tell(status);
        _waiters.Clear();
        SetReceiveTimeout(_settings.PassivateAfter);
    }

    private void PassivateIfIdle()
    {
        var idle = !_state.IsStarted || _state.IsFinished || (_engine?.Outcome is SuspendedOutcome && _waiters.Count == 0);
        if (idle && _waiters.Count == 0 && !Context.GetChildren().Any())
            Context.Parent.Tell(new RegistryProtocol.Passivate(_workflowId));
    }

    private WorkflowExecution NewEngine(WorkflowStarted started)
    {
        var engine = new WorkflowExecution(_registry, started, _settings.MaxPayloadBytes);
        var self = Self; // the callback comes from a foreign thread
        engine.ForeignWorkDetected = () => self.Tell(EngineEscaped.Instance);
        return engine;
    }

    private WorkflowStatus Status()
    {
        if (_state.Started is not { } started) return WorkflowStatus.NotFound(_workflowId);
        var (status, result, error) = _state.Terminal switch
        {
            WorkflowCompleted c => (ExecutionStatus.Completed, c.ResultJson, (string?)null),
            WorkflowFailed f => (ExecutionStatus.Failed, null, $"{f.ErrorType}: {f.ErrorMessage}"),
            _ when _engine?.Outcome is SuspendedOutcome s => (ExecutionStatus.Suspended, null, s.Divergence.Message),
            _ => (ExecutionStatus.Running, (string?)null, (string?)null),
        };
        var waitingOn = _state.InFlight.Values
            .Select(s => $"{s.ActivityName} (step {s.Sequence}, attempt {_state.NextAttempt(s.Sequence)})")
            .ToList();
        return new WorkflowStatus(_workflowId, started.WorkflowType, status, result, error, _state.Steps,
            started.Timestamp, _state.Terminal?.Timestamp, waitingOn);
    }

    /// <summary>Self-message: the engine saw workflow code escape its scheduler.</summary>
    private sealed class EngineEscaped
    {
        public static readonly EngineEscaped Instance = new();
        private EngineEscaped() { }
    }
}
