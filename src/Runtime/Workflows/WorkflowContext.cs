using System.Runtime.CompilerServices;
using Steadfast.Runtime.Replay;

namespace Steadfast.Runtime;

/// <summary>
/// Workflow code's only gateway to the outside world: activities, time and randomness. Every call is
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
        var source = $"{Path.GetFileName(callerFile)}:{callerLine}";
        return Decode<TOut>(_execution.ScheduleActivity(name, inputJson, retry, options.AttemptTimeout, source));
    }

    private static async Task<TOut> Decode<TOut>(Task<string> resultJson) => PayloadCodec.Deserialize<TOut>(await resultJson);
}
