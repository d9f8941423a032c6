using System.Collections.Concurrent;
using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

/// <summary>
/// Side effects counted outside the journal: executions per (workflow, step, attempt), across actor systems in one
/// test process. The journal discards a late duplicate result; this ledger does not, so it sees what a user's
/// downstream system would.
/// </summary>
public static class Ledger
{
    private static readonly ConcurrentDictionary<(string WorkflowId, int Step, int Attempt), int> Runs = new();

    public static void Record(ActivityExecutionContext ctx) => Runs.AddOrUpdate((ctx.WorkflowId, ctx.Sequence, ctx.Attempt), 1, (_, n) => n + 1);

    /// <summary>Executions of step <paramref name="sequence"/>, all attempts together.</summary>
    public static int RunsOf(string workflowId, int sequence) =>
        Runs.Where(r => r.Key.WorkflowId == workflowId && r.Key.Step == sequence).Sum(r => r.Value);

    /// <summary>Executions of one attempt of a step.</summary>
    public static int RunsOf(string workflowId, int sequence, int attempt) => Runs.GetValueOrDefault((workflowId, sequence, attempt));

    /// <summary>The (step, attempt) pairs of <paramref name="workflowIds"/> that ran more than once, as "id/step#attempt ×n".</summary>
    public static List<string> Repeated(IReadOnlySet<string> workflowIds) =>
        Runs.Where(r => r.Value > 1 && workflowIds.Contains(r.Key.WorkflowId))
            .Select(r => $"{r.Key.WorkflowId}/{r.Key.Step}#{r.Key.Attempt} ×{r.Value}").Order().ToList();

    /// <summary>Every execution of <paramref name="workflowIds"/>: (workflow, step, attempt) → count.</summary>
    public static Dictionary<(string WorkflowId, int Step, int Attempt), int> Of(IReadOnlySet<string> workflowIds) =>
        Runs.Where(r => workflowIds.Contains(r.Key.WorkflowId)).ToDictionary(r => r.Key, r => r.Value);
}

/// <summary>Blocks step executions of a workflow until the test opens its gate.</summary>
public static class Gates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Open = new();

    public static TaskCompletionSource For(string workflowId) =>
        Open.GetOrAdd(workflowId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static void Release(string workflowId) => For(workflowId).TrySetResult();
}

public sealed class Increment : Activity<int, int>
{
    public override Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
    {
        Ledger.Record(context);
        return Task.FromResult(input + 1);
    }
}

/// <summary>Waits for the workflow's gate, then increments.</summary>
public sealed class GatedIncrement : Activity<int, int>
{
    public override async Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
    {
        Ledger.Record(context);
        await Gates.For(context.WorkflowId).Task.WaitAsync(context.CancellationToken);
        return input + 1;
    }
}

public sealed record FlakyInput(int Value, int FailuresBeforeSuccess);

/// <summary>Fails the first N attempts with an IOException.</summary>
public sealed class Flaky : Activity<FlakyInput, int>
{
    public override Task<int> ExecuteAsync(FlakyInput input, ActivityExecutionContext context)
    {
        Ledger.Record(context);
        if (context.Attempt <= input.FailuresBeforeSuccess)
            throw new IOException($"transient failure on attempt {context.Attempt}");
        return Task.FromResult(input.Value * 10);
    }
}

/// <summary>Always fails with a non-retryable error.</summary>
public sealed class Refuse : Activity<string, int>
{
    public override Task<int> ExecuteAsync(string input, ActivityExecutionContext context)
    {
        Ledger.Record(context);
        throw new NonRetryableException("refused: " + input);
    }
}

/// <summary>Hangs until cancelled; records that the token fired.</summary>
public sealed class Hang : Activity<int, int>
{
    public static readonly ConcurrentDictionary<string, int> Cancellations = new();

    public override async Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
    {
        Ledger.Record(context);
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancellations.AddOrUpdate(context.WorkflowId, 1, (_, n) => n + 1);
            throw;
        }
        return input;
    }
}
