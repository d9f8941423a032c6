using Steadfast.Runtime.History;

namespace Steadfast.Runtime.Replay;

/// <summary>
/// The replay engine for one workflow execution. The owner (an actor, the CLI, a test) feeds it history
/// events in journal order; it runs the workflow code on its own single-threaded scheduler until the code is
/// blocked, checks every call against the journal and hands out the new commands to journal and start.
/// Not thread-safe: call it from one thread at a time (an actor's message handler).
/// </summary>
public sealed class WorkflowExecution
{
    private readonly WorkflowTaskScheduler _scheduler = new();
    private readonly Dictionary<int, PendingCall> _pending = new();
    private readonly List<(string Name, string PayloadJson)> _signals = [];
    private readonly List<SignalWaiter> _signalWaiters = [];
    private readonly CancellationTokenSource _cancellation = new();
    private string? _cancelReason;
    private readonly SortedDictionary<int, WorkflowCommand> _unrecorded = new();
    private readonly IWorkflow _workflow;
    private readonly WorkflowStarted _started;
    private readonly WorkflowContext _context;
    private readonly int _maxPayloadBytes;
    private Task<string>? _main;
    private int _lastSequence;
    private volatile string? _violation;

    /// <summary>Creates the engine for one execution; nothing runs until <see cref="Start"/>.</summary>
    /// <param name="registry">Resolves the workflow type and activity names.</param>
    /// <param name="started">The execution's first journal event.</param>
    /// <param name="maxPayloadBytes">Largest activity input or workflow result the code may produce.</param>
    /// <exception cref="ArgumentException">The workflow type is not registered.</exception>
    public WorkflowExecution(SteadfastRegistry registry, WorkflowStarted started, int maxPayloadBytes = 1 << 20)
    {
        if (!registry.TryGetWorkflow(started.WorkflowType, out var registration))
            throw new ArgumentException($"Workflow type '{started.WorkflowType}' is not registered.");
        Registry = registry;
        _started = started;
        _maxPayloadBytes = maxPayloadBytes;
        _workflow = registration.Create();
        _context = new WorkflowContext(this, started.WorkflowId, started.WorkflowType, started.RandomSeed);
        Now = started.Timestamp;
        _scheduler.ForeignWorkQueued = () =>
        {
            _violation ??= "the workflow code resumed outside its scheduler (Task.Run, Task.Delay, ConfigureAwait(false), a thread or timer); await only context calls";
            ForeignWorkDetected?.Invoke();
        };
    }

    /// <summary>Where the code stands now.</summary>
    public WorkflowOutcome Outcome { get; private set; } = WorkflowOutcome.Running;

    /// <summary>Raised (from any thread) when workflow code escaped its scheduler; the owner should read <see cref="Outcome"/> again via <see cref="Refresh"/>.</summary>
    public Action? ForeignWorkDetected { get; set; }

    internal SteadfastRegistry Registry { get; }

    internal DateTimeOffset Now { get; private set; }

    internal CancellationToken CancellationToken => _cancellation.Token;

    internal string WorkflowId => _started.WorkflowId;

    /// <summary>Names of the signals the code is waiting for now, in the order it started waiting.</summary>
    public IReadOnlyList<string> WaitingForSignals => _signalWaiters.Select(w => w.Name).ToList();

    /// <summary>
    /// Runs the code from the top and applies a recorded history after its <see cref="WorkflowStarted"/>: the state
    /// recovery, a status from the journal and the replayer all rebuild this one way.
    /// </summary>
    public void StartFrom(IReadOnlyList<HistoryEvent> history)
    {
        Start();
        foreach (var e in history.Skip(1)) Apply(e);
    }

    /// <summary>Runs the workflow code from the top until it blocks.</summary>
    public void Start()
    {
        if (_main is not null) throw new InvalidOperationException("The execution has already started.");
        _scheduler.RunEngineCall(() =>
            _main = Task.Factory.StartNew(() => _workflow.RunAsync(_context, _started.InputJson),
                CancellationToken.None, TaskCreationOptions.None, _scheduler).Unwrap());
        Refresh();
    }

    /// <summary>Applies the next journal event (after <see cref="WorkflowStarted"/>), in journal order, and runs the code on.</summary>
    public void Apply(HistoryEvent e)
    {
        if (_main is null) throw new InvalidOperationException("Start the execution before applying history.");
        if (Outcome is SuspendedOutcome) return;
        switch (e)
        {
            case ActivityScheduled s:
                MatchRecorded(s.Sequence, DescribeScheduled(s), cmd => cmd is ScheduleActivity a && a.ActivityName == s.ActivityName && a.InputJson == s.InputJson);
                break;
            case ActivityCompleted c:
                Resolve(c.Sequence, c.Timestamp, p => p.Completion.SetResult(c.ResultJson));
                break;
            case ActivityFailed f:
                Resolve(f.Sequence, f.Timestamp, p => p.Completion.SetException(
                    new ActivityFailedException(((ScheduleActivity)p.Command).ActivityName, f.Sequence, f.ErrorType, f.ErrorMessage, f.Attempts)));
                break;
            case TimerStarted t:
                MatchRecorded(t.Sequence, $"StartTimer due {t.FireAt:O}", cmd => cmd is StartTimer st && st.FireAt == t.FireAt);
                break;
            case TimerFired f:
                Resolve(f.Sequence, f.Timestamp, p => p.Completion.SetResult("null"));
                break;
            case ChildWorkflowStarted c:
                MatchRecorded(c.Sequence, $"StartChildWorkflow '{c.WorkflowType}' id {c.ChildId} input {Divergence.Shorten(c.InputJson)}",
                    cmd => cmd is StartChildWorkflow sc && sc.ChildId == c.ChildId && sc.WorkflowType == c.WorkflowType && sc.InputJson == c.InputJson);
                break;
            case ChildWorkflowCompleted c:
                Resolve(c.Sequence, c.Timestamp, p => p.Completion.SetResult(c.ResultJson));
                break;
            case ChildWorkflowFailed f:
                Resolve(f.Sequence, f.Timestamp, p => p.Completion.SetException(
                    new ChildWorkflowFailedException(((StartChildWorkflow)p.Command).ChildId, f.Sequence, f.ErrorType, f.ErrorMessage)));
                break;
            case SignalReceived signal:
                Now = signal.Timestamp;
                _scheduler.RunEngineCall(() => Deliver(signal.Name, signal.PayloadJson));
                Refresh();
                break;
            case WorkflowCancelRequested cancel:
                Now = cancel.Timestamp;
                _scheduler.RunEngineCall(() => Cancel(cancel.Reason));
                Refresh();
                break;
            case WorkflowCancelled cancelled:
                if (Outcome is not CancelledOutcome)
                    Diverge(null, $"the workflow to end cancelled ({cancelled.Reason})", DescribeState());
                break;
            case WorkflowCompleted done:
                if (Outcome is not CompletedOutcome { ResultJson: var r } || r != done.ResultJson)
                    Diverge(null, $"the workflow to complete with {Divergence.Shorten(done.ResultJson)}", DescribeState());
                break;
            case WorkflowFailed failed:
                if (Outcome is not FailedOutcome)
                    Diverge(null, $"the workflow to fail with {failed.ErrorType}", DescribeState());
                break;
            case WorkflowStarted:
                throw new ArgumentException("WorkflowStarted is given to the constructor, not applied.");
            case ActivityAttemptFailed:
                break; // bookkeeping of the runner; the code only sees the final outcome
        }
    }

    /// <summary>Takes the commands the code produced that the journal does not hold yet, in step order.</summary>
    public IReadOnlyList<WorkflowCommand> TakeNewCommands()
    {
        if (_unrecorded.Count == 0) return [];
        var commands = _unrecorded.Values.ToList();
        _unrecorded.Clear();
        return commands;
    }

    /// <summary>Re-reads the code's state (after <see cref="ForeignWorkDetected"/>).</summary>
    public void Refresh()
    {
        if (Outcome is SuspendedOutcome) return;
        if (_violation is { } v)
        {
            Outcome = new SuspendedOutcome(new Divergence(null, "deterministic workflow code", v));
            return;
        }
        if (_cancelReason is { } reason && _main!.IsCompleted)
        {
            Outcome = new CancelledOutcome(reason);
            return;
        }
        Outcome = _main switch
        {
            { IsCompletedSuccessfully: true } => CompletedResult(_main.Result),
            { IsFaulted: true } => Failed(_main.Exception!.InnerExceptions.Count == 1 ? _main.Exception.InnerException! : _main.Exception),
            { IsCanceled: true } => new FailedOutcome(nameof(TaskCanceledException), "The workflow code was cancelled."),
            _ when _pending.Count == 0 && _signalWaiters.Count == 0 => new SuspendedOutcome(new Divergence(null, "the code to wait on a workflow operation",
                "it is waiting on something else (Task.Delay, Task.Run, I/O, a foreign TaskCompletionSource) that no journal event can resume")),
            _ => WorkflowOutcome.Running,
        };
    }

    internal Task<string> ScheduleActivity(string name, string inputJson, RetryPolicy retry, TimeSpan? timeout, string source) =>
        Call(seq => new ScheduleActivity(seq, name, inputJson, retry, timeout, source));

    internal Task<string> StartTimer(DateTimeOffset fireAt, string source) => Call(seq => new StartTimer(seq, fireAt, source));

    internal Task<string> StartChild(string? childId, string workflowType, string inputJson, string source) =>
        Call(seq => new StartChildWorkflow(seq, childId ?? ChildIds.Derive(_started.WorkflowId, seq), workflowType, inputJson, source));

    /// <summary>The next buffered signal of that name, or a wait for it; <see cref="SignalWaiter.Abandon"/> ends a wait that timed out.</summary>
    internal SignalWaiter WaitForSignal(string name)
    {
        var waiter = new SignalWaiter(name, this);
        var buffered = _signals.FindIndex(s => s.Name == name);
        if (buffered >= 0)
        {
            waiter.Completion.SetResult(_signals[buffered].PayloadJson);
            _signals.RemoveAt(buffered);
        }
        else if (_cancelReason is { } reason) waiter.Completion.SetException(new WorkflowCancelledException(reason));
        else _signalWaiters.Add(waiter);
        return waiter;
    }

    private Task<string> Call(Func<int, WorkflowCommand> create)
    {
        var command = create(++_lastSequence);
        var completion = new TaskCompletionSource<string>();
        _pending[command.Sequence] = new PendingCall(command, completion);
        _unrecorded[command.Sequence] = command;
        return completion.Task;
    }

    private void Deliver(string name, string payloadJson)
    {
        var waiter = _signalWaiters.FirstOrDefault(w => w.Name == name);
        if (waiter is null)
        {
            _signals.Add((name, payloadJson));
            return;
        }
        _signalWaiters.Remove(waiter);
        waiter.Completion.SetResult(payloadJson);
    }

    // Every pending call fails, in step order, so that a replay fails them in the same order.
    private void Cancel(string reason)
    {
        if (_cancelReason is not null) return;
        _cancelReason = reason;
        _cancellation.Cancel();
        foreach (var seq in _pending.Keys.Order().ToList())
        {
            _pending.Remove(seq, out var call);
            call!.Completion.TrySetException(new WorkflowCancelledException(reason));
        }
        foreach (var waiter in _signalWaiters.ToList())
        {
            _signalWaiters.Remove(waiter);
            waiter.Completion.TrySetException(new WorkflowCancelledException(reason));
        }
    }

    internal void EnsureWorkflowCode(string member)
    {
        if (_scheduler.IsRunningWorkflowCode) return;
        _violation ??= $"WorkflowContext.{member} was used outside the workflow's scheduler (Task.Run, ConfigureAwait(false), a thread or timer)";
        throw new InvalidOperationException($"WorkflowContext.{member} may only be used from workflow code on its own scheduler; do not use Task.Run or ConfigureAwait(false) in workflows.");
    }

    internal void CheckPayloadSize(string json, string what) => PayloadCodec.CheckSize(json, _maxPayloadBytes, what);

    private void MatchRecorded(int sequence, string expected, Func<WorkflowCommand, bool> matches)
    {
        if (!_unrecorded.Remove(sequence, out var command))
            Diverge(sequence, expected, $"the code made no call at this step ({DescribeState()})");
        else if (!matches(command))
            Diverge(sequence, expected, $"the code called {command.Describe()}", command.Source);
    }

    private void Resolve(int sequence, DateTimeOffset timestamp, Action<PendingCall> complete)
    {
        if (!_pending.Remove(sequence, out var pending))
        {
            if (_cancelReason is null) // after a cancellation every pending call already failed; a late result changes nothing
                Diverge(sequence, "a call waiting for this step's result", $"the code has no call at step {sequence} ({DescribeState()})");
            return;
        }
        Now = timestamp;
        _scheduler.RunEngineCall(() => complete(pending));
        Refresh();
    }

    private void Diverge(int? sequence, string expected, string actual, string? source = null) =>
        Outcome = new SuspendedOutcome(new Divergence(sequence, expected, actual, source));

    private string DescribeState() => Outcome switch
    {
        CompletedOutcome c => $"it completed with {Divergence.Shorten(c.ResultJson)}",
        FailedOutcome f => $"it failed with {f.ErrorType}: {f.ErrorMessage}",
        CancelledOutcome c => $"it ended cancelled ({c.Reason})",
        _ => $"it has made {_lastSequence} call(s) and waits on step(s) {string.Join(", ", _pending.Keys.Order())}",
    };

    private static string DescribeScheduled(ActivityScheduled s) => $"ScheduleActivity '{s.ActivityName}' input {Divergence.Shorten(s.InputJson)}";

    private WorkflowOutcome CompletedResult(string resultJson)
    {
        try
        {
            CheckPayloadSize(resultJson, "The workflow result");
            return new CompletedOutcome(resultJson);
        }
        catch (PayloadException e)
        {
            return new FailedOutcome(nameof(PayloadException), e.Message);
        }
    }

    private static FailedOutcome Failed(Exception e) => new(e.GetType().FullName ?? e.GetType().Name, e.Message);

    private sealed record PendingCall(WorkflowCommand Command, TaskCompletionSource<string> Completion);

    /// <summary>Code waiting for a signal by name.</summary>
    internal sealed class SignalWaiter(string name, WorkflowExecution execution)
    {
        public string Name { get; } = name;

        public TaskCompletionSource<string> Completion { get; } = new();

        /// <summary>Stops waiting (the wait timed out), so that a later signal is not consumed by nobody.</summary>
        public void Abandon() => execution._signalWaiters.Remove(this);
    }
}
