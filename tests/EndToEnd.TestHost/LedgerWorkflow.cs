using Steadfast.Runtime;

namespace Steadfast.EndToEnd.TestHost;

/// <summary>Three ledger steps; the result is input + 3.</summary>
public sealed class LedgerWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var a = await ctx.CallAsync<LedgerStep, int, int>(input);
        var b = await ctx.CallAsync<LedgerStep, int, int>(a);
        return await ctx.CallAsync<LedgerStep, int, int>(b);
    }
}

/// <summary>Takes a little time, then appends "{run} {idempotency key} {attempt}" to the ledger file (the side effect) and returns input + 1.</summary>
public sealed class LedgerStep : Activity<int, int>
{
    private static readonly Lock Gate = new();

    public static string LedgerPath { get; set; } = "ledger.txt";

    public static string Run { get; set; } = "0";

    public static int MinMs { get; set; } = 100;

    public static int MaxMs { get; set; } = 300;

    public override async Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
    {
        await Task.Delay(Random.Shared.Next(MinMs, MaxMs), context.CancellationToken);
        lock (Gate) File.AppendAllText(LedgerPath, $"{Run} {context.IdempotencyKey} {context.Attempt}\n");
        return input + 1;
    }
}

/// <summary>A ledger step, a durable 1 s sleep, a "go" signal, then a ledger child: the result is (input + 1 + 3) + go.</summary>
public sealed class PrimitivesWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var a = await ctx.CallAsync<LedgerStep, int, int>(input);
        await ctx.SleepAsync(TimeSpan.FromSeconds(1));
        var go = await ctx.WaitForSignalAsync<int>("go");
        var child = await ctx.CallChildAsync<LedgerWorkflow, int, int>(a);
        return child + go;
    }
}

/// <summary>A step that runs until cancelled; on cancellation a ledger step compensates.</summary>
public sealed class CancellableLedger : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        try
        {
            await ctx.SleepAsync(TimeSpan.FromHours(1));
            return input;
        }
        catch (WorkflowCancelledException)
        {
            await ctx.CallAsync<LedgerStep, int, int>(-input);
            throw;
        }
    }
}

/// <summary>
/// The torture workload: a ledger step, a durable sleep, a step that fails its first attempt for every third
/// input, and a ledger child workflow. A crash-free run returns input + 5.
/// </summary>
public sealed class TortureWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var a = await ctx.CallAsync<LedgerStep, int, int>(input);
        await ctx.SleepAsync(TimeSpan.FromMilliseconds(200));
        var b = await ctx.CallAsync<FlakyLedgerStep, int, int>(a, RetryPolicy.Exponential(5, TimeSpan.FromMilliseconds(50)));
        return await ctx.CallChildAsync<LedgerWorkflow, int, int>(b);
    }
}

/// <summary>A ledger step whose first attempt fails when the workflow's number is divisible by 3.</summary>
public sealed class FlakyLedgerStep : Activity<int, int>
{
    public override async Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
    {
        var result = await new LedgerStep().ExecuteAsync(input, context);
        if (context.Attempt == 1 && int.Parse(context.WorkflowId.Split('-')[^1].Split('.')[0]) % 3 == 0)
            throw new IOException($"transient failure of {context.IdempotencyKey}");
        return result;
    }
}
