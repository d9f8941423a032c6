namespace Steadfast.Runtime.Replay;

/// <summary>
/// Runs a workflow's tasks one at a time, only when the engine drains it. <c>await</c> captures
/// <see cref="TaskScheduler.Current"/>, so every continuation of workflow code comes back here.
/// </summary>
internal sealed class WorkflowTaskScheduler : TaskScheduler
{
    private readonly Queue<Task> _queue = new();
    private readonly Lock _gate = new();
    private volatile int _engineThread = -1;

    /// <summary>Called when a task is queued from outside an engine call: workflow code escaped (Task.Run, Task.Delay, ConfigureAwait(false)).</summary>
    public Action? ForeignWorkQueued { get; set; }

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>True while the calling thread is running workflow code inside an engine call.</summary>
    public bool IsRunningWorkflowCode => _engineThread == Environment.CurrentManagedThreadId && Current == this;

    /// <summary>Runs <paramref name="action"/> as an engine call, then runs queued workflow code until it is blocked.</summary>
    public void RunEngineCall(Action action)
    {
        var previousContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null); // else await would capture a test's or host's context
        _engineThread = Environment.CurrentManagedThreadId;
        try
        {
            action();
            while (TryDequeue(out var task)) TryExecuteTask(task);
        }
        finally
        {
            _engineThread = -1;
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }
    }

    protected override void QueueTask(Task task)
    {
        // Flag before the task is visible: an engine call still draining could otherwise run it and read the
        // outcome (completed) before the violation is recorded.
        if (_engineThread != Environment.CurrentManagedThreadId) ForeignWorkQueued?.Invoke();
        lock (_gate) _queue.Enqueue(task);
    }

    // Inline execution would reorder continuations; everything goes through the FIFO queue.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_gate) return _queue.ToArray();
    }

    private bool TryDequeue(out Task task)
    {
        lock (_gate) return _queue.TryDequeue(out task!);
    }
}
