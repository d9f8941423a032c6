using System.Runtime.CompilerServices;
using Steadfast.Runtime.Replay;

namespace Steadfast.Runtime;

/// <summary>
/// Workflow code's only gateway to the outside world: activities, timers, signals, child workflows,
/// cancellation, time and randomness. Every call is
/// journaled or derived from the journal, so a replay after a crash sees exactly what the first run saw.
/// Use it only from the workflow's own code path (never from <c>Task.Run</c> or after <c>ConfigureAwait(false)</c>):
/// such a call suspends the workflow with an error naming the rule.
/// </summary>
public sealed class WorkflowContext
{
    private readonly WorkflowExecution _execution;

    internal WorkflowContext(WorkflowExecution execution, string workflowId, string workflowType, long randomSeed)
    {
        _execution = execution;
        WorkflowId = workflowId;
        WorkflowType = workflowType;
        Random = new WorkflowRandom(randomSeed, () => _execution.EnsureWorkflowCode("Random"));
    }

    /// <summary>This execution's id.</summary>
    public string WorkflowId { get; }

    /// <summary>The registered workflow name.</summary>
    public string WorkflowType { get; }

    /// <summary>
    /// Workflow time: the journal timestamp of the event that last moved the code on (the start, or the result it
    /// just received). It does not advance while code runs, and a replay sees the same values.
    /// </summary>
    public DateTimeOffset UtcNow
    {
        get
        {
            _execution.EnsureWorkflowCode(nameof(UtcNow));
            return _execution.Now;
        }
    }

    /// <summary>Deterministic random values, seeded from the journal.</summary>
    public WorkflowRandom Random { get; }

    /// <summary>A GUID that a replay reproduces (drawn from <see cref="Random"/>).</summary>
    public Guid NewGuid() => Random.NextGuid();

    /// <summary>Calls an activity with the default retry policy and waits for its journaled result.</summary>
    /// <exception cref="ActivityFailedException">The activity failed for good.</exception>
    public Task<TOut> CallAsync<TActivity, TIn, TOut>(TIn input,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TActivity : Activity<TIn, TOut> =>
        CallAsync<TActivity, TIn, TOut>(input, new ActivityOptions(), callerFile, callerLine);

    /// <summary>Calls an activity with a retry policy and waits for its journaled result.</summary>
    /// <exception cref="ActivityFailedException">The activity failed for good.</exception>
    public Task<TOut> CallAsync<TActivity, TIn, TOut>(TIn input, RetryPolicy retryPolicy,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TActivity : Activity<TIn, TOut> =>
        CallAsync<TActivity, TIn, TOut>(input, new ActivityOptions(retryPolicy), callerFile, callerLine);

    /// <summary>Calls an activity with options (retry policy, attempt timeout) and waits for its journaled result.</summary>
    /// <exception cref="ActivityFailedException">The activity failed for good.</exception>
    public Task<TOut> CallAsync<TActivity, TIn, TOut>(TIn input, ActivityOptions options,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TActivity : Activity<TIn, TOut>
    {
        _execution.EnsureWorkflowCode(nameof(CallAsync));
        var name = _execution.Registry.ActivityNameOf(typeof(TActivity));
        var inputJson = PayloadCodec.Serialize(input);
        _execution.CheckPayloadSize(inputJson, $"Input of activity '{name}'");
        var retry = (options.RetryPolicy ?? RetryPolicy.Default).Validated();
        if (options.AttemptTimeout is { } t && t <= TimeSpan.Zero)
            throw new ArgumentException($"AttemptTimeout must be positive, got {t}.");
        return Decode<TOut>(_execution.ScheduleActivity(name, inputJson, retry, options.AttemptTimeout, Source(callerFile, callerLine)));
    }

    /// <summary>Cancelled when someone cancels the workflow; pending calls then throw <see cref="WorkflowCancelledException"/>.</summary>
    public CancellationToken CancellationToken => _execution.CancellationToken;

    /// <summary>A durable sleep: the due time is journaled, and after a restart the timer fires at its original time (at once if overdue).</summary>
    /// <exception cref="WorkflowCancelledException">The workflow was cancelled while sleeping.</exception>
    public Task SleepAsync(TimeSpan delay, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        _execution.EnsureWorkflowCode(nameof(SleepAsync));
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), $"A sleep cannot be negative, got {delay}.");
        return _execution.StartTimer(_execution.Now + delay, Source(callerFile, callerLine));
    }

    /// <summary>A durable timer due at <paramref name="fireAt"/> (at once if that is past).</summary>
    /// <exception cref="WorkflowCancelledException">The workflow was cancelled while waiting.</exception>
    public Task CreateTimer(DateTimeOffset fireAt, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        _execution.EnsureWorkflowCode(nameof(CreateTimer));
        return _execution.StartTimer(fireAt.ToUniversalTime(), Source(callerFile, callerLine));
    }

    /// <summary>Waits for the next signal named <paramref name="name"/>; signals that arrived earlier are kept and delivered in arrival order.</summary>
    /// <exception cref="WorkflowCancelledException">The workflow was cancelled while waiting.</exception>
    public async Task<T> WaitForSignalAsync<T>(string name)
    {
        _execution.EnsureWorkflowCode(nameof(WaitForSignalAsync));
        return PayloadCodec.Deserialize<T>(await _execution.WaitForSignal(name).Completion.Task);
    }

    /// <summary>Waits for the next signal named <paramref name="name"/> for at most <paramref name="timeout"/> (a durable timer).</summary>
    /// <returns>Whether a signal arrived in time, and its payload.</returns>
    public async Task<(bool Received, T? Value)> WaitForSignalAsync<T>(string name, TimeSpan timeout,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        _execution.EnsureWorkflowCode(nameof(WaitForSignalAsync));
        var waiter = _execution.WaitForSignal(name);
        if (!waiter.Completion.Task.IsCompleted)
        {
            var timer = _execution.StartTimer(_execution.Now + timeout, Source(callerFile, callerLine));
            if (await Task.WhenAny(waiter.Completion.Task, timer) == timer)
            {
                waiter.Abandon();
                await timer; // rethrows a cancellation
                return (false, default);
            }
        }
        return (true, PayloadCodec.Deserialize<T>(await waiter.Completion.Task));
    }

    /// <summary>
    /// Runs a child workflow (a full workflow with its own journal) and waits for its result. Its id is
    /// <paramref name="childId"/>, or derived from this workflow's id and the step (<c>{parentId}.{step}</c>).
    /// </summary>
    /// <exception cref="ChildWorkflowFailedException">The child failed, was cancelled or could not start.</exception>
    public Task<TOut> CallChildAsync<TWorkflow, TIn, TOut>(TIn input, string? childId = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TWorkflow : Workflow<TIn, TOut>
    {
        _execution.EnsureWorkflowCode(nameof(CallChildAsync));
        var type = _execution.Registry.WorkflowNameOf(typeof(TWorkflow));
        var inputJson = PayloadCodec.Serialize(input);
        _execution.CheckPayloadSize(inputJson, $"Input of child workflow '{type}'");
        return Decode<TOut>(_execution.StartChild(childId, type, inputJson, Source(callerFile, callerLine)));
    }

    private static string Source(string file, int line) => $"{Path.GetFileName(file)}:{line}";

    private static async Task<TOut> Decode<TOut>(Task<string> resultJson) => PayloadCodec.Deserialize<TOut>(await resultJson);
}
