using Steadfast.Runtime;

namespace Steadfast.Bench;

/// <summary>The benchmark workflow: three sequential activities, each returning its input + 1.</summary>
public sealed class ThreeStepBench : Workflow<int, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var a = await context.CallAsync<PlusOne, int, int>(input);
        var b = await context.CallAsync<PlusOne, int, int>(a);
        return await context.CallAsync<PlusOne, int, int>(b);
    }
}

/// <summary>A no-op activity: input + 1. In a "victim" process it hangs, so that a kill finds it in flight.</summary>
public sealed class PlusOne : Activity<int, int>
{
    /// <summary>Set in the process that is about to be killed.</summary>
    public static volatile bool Hang;

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
    {
        if (Hang) await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return input + 1;
    }
}

/// <summary>W3: one step, a durable 2 s sleep, two more steps; returns input + 3.</summary>
public sealed class SleepThenTwoSteps : Workflow<int, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var a = await context.CallAsync<PlusOne, int, int>(input);
        await context.SleepAsync(TimeSpan.FromSeconds(2));
        var b = await context.CallAsync<PlusOne, int, int>(a);
        return await context.CallAsync<PlusOne, int, int>(b);
    }
}

/// <summary>W4: waits for the signal <c>go</c> carrying a number and returns input + that number.</summary>
public sealed class AwaitGo : Workflow<int, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(WorkflowContext context, int input) =>
        input + await context.WaitForSignalAsync<int>("go");
}

/// <summary>
/// The soak's mixed workflow: a step whose first attempt fails for every fifth input, a durable sleep, a "go" signal
/// (given up after 10 s, so workflows whose sender died in a kill still end), and a child; returns input + go + 2.
/// </summary>
public sealed class SoakWorkflow : Workflow<int, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var a = await context.CallAsync<SometimesFailing, int, int>(input, RetryPolicy.Exponential(3, TimeSpan.FromMilliseconds(50)));
        await context.SleepAsync(TimeSpan.FromMilliseconds(200 + input % 1800));
        var (got, go) = await context.WaitForSignalAsync<int>("go", TimeSpan.FromSeconds(10));
        return await context.CallChildAsync<ThreeStepBench, int, int>(a + (got ? go : 0)) - 2;
    }
}

/// <summary>input + 1; the first attempt fails for every fifth input.</summary>
public sealed class SometimesFailing : Activity<int, int>
{
    /// <inheritdoc />
    public override Task<int> ExecuteAsync(int input, ActivityExecutionContext context) =>
        context.Attempt == 1 && input % 5 == 0 ? throw new IOException("transient") : Task.FromResult(input + 1);
}
