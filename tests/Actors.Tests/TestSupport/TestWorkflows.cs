using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

/// <summary>Increment, then gated increment, then increment: result is input + 3.</summary>
public sealed class ThreeSteps : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var a = await ctx.CallAsync<Increment, int, int>(input);
        var b = await ctx.CallAsync<GatedIncrement, int, int>(a);
        return await ctx.CallAsync<Increment, int, int>(b);
    }
}

/// <summary>Version 2 of ThreeSteps that changed its first step: replaying a v1 journal must diverge at step 1.</summary>
public sealed class ThreeStepsChanged : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var a = await ctx.CallAsync<Increment, int, int>(input + 1000);
        var b = await ctx.CallAsync<GatedIncrement, int, int>(a);
        return await ctx.CallAsync<Increment, int, int>(b);
    }
}

public sealed class Retrying : Workflow<FlakyInput, int>
{
    public override Task<int> RunAsync(WorkflowContext ctx, FlakyInput input) =>
        ctx.CallAsync<Flaky, FlakyInput, int>(input, RetryPolicy.Exponential(5, TimeSpan.FromMilliseconds(20), maximumInterval: TimeSpan.FromMilliseconds(100)));
}

public sealed class CatchingRefusal : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, string input)
    {
        try
        {
            await ctx.CallAsync<Refuse, string, int>(input);
            return "unexpected";
        }
        catch (ActivityFailedException e)
        {
            return $"caught {e.ErrorType} after {e.Attempts} attempt(s): {e.ErrorMessage}";
        }
    }
}

public sealed class TimingOut : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        try
        {
            await ctx.CallAsync<Hang, int, int>(input, new ActivityOptions(
                RetryPolicy.Exponential(2, TimeSpan.FromMilliseconds(10)), AttemptTimeout: TimeSpan.FromMilliseconds(200)));
            return "unexpected";
        }
        catch (ActivityFailedException e)
        {
            return $"{e.ErrorType} x{e.Attempts}";
        }
    }
}

public sealed record Order(string Sku, int Quantity);

public sealed class Ordering : Workflow<Order, int>
{
    public override Task<int> RunAsync(WorkflowContext ctx, Order input) => ctx.CallAsync<Increment, int, int>(input.Quantity);
}

public sealed class CallsUnregistered : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        try
        {
            await ctx.CallAsync<Hang, int, int>(input);
            return "unexpected";
        }
        catch (ActivityFailedException e)
        {
            return e.ErrorType;
        }
    }
}

public static class TestRegistry
{
    public static SteadfastRegistry Create(bool changedThreeSteps = false)
    {
        var registry = new SteadfastRegistry();
        if (changedThreeSteps) registry.AddWorkflow<ThreeStepsChanged>("ThreeSteps");
        else registry.AddWorkflow<ThreeSteps>();
        return registry
            .AddWorkflow<Retrying>()
            .AddWorkflow<CatchingRefusal>()
            .AddWorkflow<TimingOut>()
            .AddWorkflow<Ordering>()
            .AddWorkflow<CallsUnregistered>()
            .AddWorkflow<Napper>()
            .AddWorkflow<AwaitsApproval>()
            .AddWorkflow<AddsSignal>()
            .AddWorkflow<ParentOfThree>()
            .AddWorkflow<CancellableWork>()
            .AddWorkflow<FanOut>()
            .AddWorkflow<StressFanOut>()
            .AddWorkflow<StressSignalMidStep>()
            .AddWorkflow<StressSleepThenSignal>()
            .AddWorkflow<StressRetries>()
            .AddWorkflow<StressCancellable>()
            .AddWorkflow<StressParent>()
            .AddWorkflow<SleepsUntilCancelled>()
            .AddWorkflow<EchoTransfer>()
            .AddActivity<Work>()
            .AddActivity<TwiceFailingWork>()
            .AddActivity<Tracked>()
            .AddActivity<Increment>()
            .AddActivity<GatedIncrement>()
            .AddActivity<Flaky>()
            .AddActivity<Refuse>()
            .AddActivity<Hang>();
    }

    /// <summary>Without Hang, for the unregistered-activity case.</summary>
    public static SteadfastRegistry WithoutHang() => new SteadfastRegistry()
        .AddWorkflow<CallsUnregistered>()
        .AddActivity<Increment>();
}
