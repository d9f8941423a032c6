using System.Collections.Concurrent;
using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

/// <summary>Counts executions per idempotency key, across actor systems in one test process.</summary>
public static class Ledger
{
    private static readonly ConcurrentDictionary<string, int> Runs = new();

    public static void Record(ActivityContext ctx) => Runs.AddOrUpdate(ctx.IdempotencyKey, 1, (_, n) => n + 1);

    public static int RunsOf(string workflowId, int sequence) => Runs.GetValueOrDefault($"{workflowId}/{sequence}");
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
    public override Task<int> ExecuteAsync(int input, ActivityContext context)
    {
        Ledger.Record(context);
        return Task.FromResult(input + 1);
    }
}

/// <summary>Waits for the workflow's gate, then increments.</summary>
public sealed class GatedIncrement : Activity<int, int>
{
    public override async Task<int> ExecuteAsync(int input, ActivityContext context)
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
    public override Task<int> ExecuteAsync(FlakyInput input, ActivityContext context)
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
    public override Task<int> ExecuteAsync(string input, ActivityContext context)
    {
        Ledger.Record(context);
        throw new NonRetryableException("refused: " + input);
    }
}

/// <summary>Hangs until cancelled; records that the token fired.</summary>
public sealed class Hang : Activity<int, int>
{
    public static readonly ConcurrentDictionary<string, int> Cancellations = new();

    public override async Task<int> ExecuteAsync(int input, ActivityContext context)
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
