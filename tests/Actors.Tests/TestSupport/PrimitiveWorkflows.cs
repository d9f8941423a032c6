using System.Collections.Concurrent;
using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

public sealed class Napper : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int milliseconds)
    {
        await ctx.SleepAsync(TimeSpan.FromMilliseconds(milliseconds));
        return await ctx.CallAsync<Increment, int, int>(milliseconds);
    }
}

public sealed record Approval(string By, bool Ok);

/// <summary>Does a gated step, then waits for an "approval" signal (which may have arrived during the step).</summary>
public sealed class AwaitsApproval : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        await ctx.CallAsync<GatedIncrement, int, int>(input);
        var approval = await ctx.WaitForSignalAsync<Approval>("approval");
        var (late, note) = await ctx.WaitForSignalAsync<string>("note", TimeSpan.FromMilliseconds(300));
        return $"{approval.By}:{approval.Ok}:{(late ? note : "no note")}";
    }
}

/// <summary>Increments its input once, then adds what the "add" signal brings: the result depends on both.</summary>
public sealed class AddsSignal : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input) =>
        await ctx.CallAsync<Increment, int, int>(input) + await ctx.WaitForSignalAsync<int>("add");
}

public sealed class ParentOfThree : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var children = Enumerable.Range(0, 3).Select(i => ctx.CallChildAsync<Ordering, Order, int>(new Order("sku", input + i))).ToList();
        return (await Task.WhenAll(children)).Sum();
    }
}

/// <summary>Waits on a hanging activity; on cancellation compensates with Increment, then ends.</summary>
public sealed class CancellableWork : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        try
        {
            return await ctx.CallAsync<Hang, int, int>(input, RetryPolicy.NoRetry);
        }
        catch (WorkflowCancelledException)
        {
            await ctx.CallAsync<Increment, int, int>(-input);
            throw;
        }
    }
}

/// <summary>Ten activities at once; the host allows fewer to run concurrently.</summary>
public sealed class FanOut : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input) =>
        (await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ctx.CallAsync<Tracked, int, int>(input + i)))).Sum();
}

/// <summary>Records how many of its kind run at once.</summary>
public sealed class Tracked : Activity<int, int>
{
    private static readonly ConcurrentDictionary<string, (int Now, int Max)> Running = new();

    public static int MaxConcurrent(string workflowId) => Running.GetValueOrDefault(workflowId).Max;

    public override async Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
    {
        Running.AddOrUpdate(context.WorkflowId, (1, 1), (_, r) => (r.Now + 1, Math.Max(r.Max, r.Now + 1)));
        await Task.Delay(50);
        Running.AddOrUpdate(context.WorkflowId, (0, 0), (_, r) => (r.Now - 1, r.Max));
        return input;
    }
}
