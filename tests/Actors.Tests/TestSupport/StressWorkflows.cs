using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

/// <summary>The shape of one stress workflow: how wide its fan-out is, how long its steps and its sleep take.</summary>
public sealed record StressPlan(int Width, int StepMs, int SleepMs);

/// <summary>Records its execution in the ledger, then takes <c>input</c> milliseconds (cancellable) and returns them.</summary>
public sealed class Work : Activity<int, int>
{
    public override async Task<int> ExecuteAsync(int milliseconds, ActivityExecutionContext context)
    {
        Ledger.Record(context);
        await Task.Delay(milliseconds, context.CancellationToken);
        return milliseconds;
    }
}

/// <summary>Like <see cref="Work"/>, but its first two attempts fail.</summary>
public sealed class TwiceFailingWork : Activity<int, int>
{
    public override async Task<int> ExecuteAsync(int milliseconds, ActivityExecutionContext context)
    {
        Ledger.Record(context);
        await Task.Delay(milliseconds, context.CancellationToken);
        if (context.Attempt <= 2) throw new IOException($"transient failure on attempt {context.Attempt}");
        return milliseconds;
    }
}

/// <summary>Fan-out: <c>Width</c> steps at once, then their sum.</summary>
public sealed class StressFanOut : Workflow<StressPlan, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, StressPlan plan) =>
        (await Task.WhenAll(Enumerable.Range(0, plan.Width).Select(i => ctx.CallAsync<Work, int, int>(plan.StepMs + i)))).Sum();
}

/// <summary>A step during which the "go" signal usually arrives, then the wait for it, then one more step.</summary>
public sealed class StressSignalMidStep : Workflow<StressPlan, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, StressPlan plan)
    {
        await ctx.CallAsync<Work, int, int>(plan.StepMs);
        var go = await ctx.WaitForSignalAsync<int>("go");
        return go + await ctx.CallAsync<Work, int, int>(1);
    }
}

/// <summary>A durable sleep (it passivates and wakes), then the "go" signal, then a step.</summary>
public sealed class StressSleepThenSignal : Workflow<StressPlan, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, StressPlan plan)
    {
        await ctx.SleepAsync(TimeSpan.FromMilliseconds(plan.SleepMs));
        var go = await ctx.WaitForSignalAsync<int>("go");
        return go + await ctx.CallAsync<Work, int, int>(1);
    }
}

/// <summary>A step that fails twice and succeeds on its third attempt, with almost no backoff.</summary>
public sealed class StressRetries : Workflow<StressPlan, int>
{
    public override Task<int> RunAsync(WorkflowContext ctx, StressPlan plan) =>
        ctx.CallAsync<TwiceFailingWork, int, int>(plan.StepMs, RetryPolicy.Exponential(4, TimeSpan.FromMilliseconds(1)));
}

/// <summary>A long step that is cancelled; the compensation is one more step.</summary>
public sealed class StressCancellable : Workflow<StressPlan, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, StressPlan plan)
    {
        try
        {
            return await ctx.CallAsync<Work, int, int>(60_000, RetryPolicy.NoRetry);
        }
        catch (WorkflowCancelledException)
        {
            await ctx.CallAsync<Work, int, int>(plan.StepMs);
            throw;
        }
    }
}

/// <summary>Two fan-out children and a step of its own, all at once.</summary>
public sealed class StressParent : Workflow<StressPlan, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, StressPlan plan)
    {
        var child = plan with { Width = 2 };
        var children = Enumerable.Range(0, 2).Select(_ => ctx.CallChildAsync<StressFanOut, StressPlan, int>(child)).ToList();
        var own = await ctx.CallAsync<Work, int, int>(plan.StepMs);
        return (await Task.WhenAll(children)).Sum() + own;
    }
}

/// <summary>Sleeps an hour (dormant meanwhile); when cancelled, compensates with one step.</summary>
public sealed class SleepsUntilCancelled : Workflow<int, int>
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
            await ctx.CallAsync<Work, int, int>(input);
            throw;
        }
    }
}

public sealed record Transfer(string From, string To, int Amount);

/// <summary>Echoes a positional record: its input must have every field.</summary>
public sealed class EchoTransfer : Workflow<Transfer, Transfer>
{
    public override Task<Transfer> RunAsync(WorkflowContext ctx, Transfer input) => Task.FromResult(input);
}
