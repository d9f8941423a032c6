
namespace Steadfast.Runtime.Tests;

public sealed record Numbers(int A, int B);

public sealed class AddOne : Activity<int, int>
{
    public override Task<int> ExecuteAsync(int input, ActivityExecutionContext context) => Task.FromResult(input + 1);
}

public sealed class Double : Activity<int, int>
{
    public override Task<int> ExecuteAsync(int input, ActivityExecutionContext context) => Task.FromResult(input * 2);
}

/// <summary>AddOne(a) then Double(result); returns the sum with b.</summary>
public sealed class Sequential : Workflow<Numbers, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, Numbers input)
    {
        var x = await ctx.CallAsync<AddOne, int, int>(input.A);
        var y = await ctx.CallAsync<Double, int, int>(x);
        return y + input.B;
    }
}

/// <summary>Same shape as Sequential but calls Double first: a code change that breaks replay.</summary>
public sealed class SequentialChanged : Workflow<Numbers, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, Numbers input)
    {
        var x = await ctx.CallAsync<Double, int, int>(input.A);
        var y = await ctx.CallAsync<Double, int, int>(x);
        return y + input.B;
    }
}

/// <summary>Two calls in flight; returns which finished first, then both.</summary>
public sealed class Racing : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        var a = ctx.CallAsync<AddOne, int, int>(input);
        var b = ctx.CallAsync<Double, int, int>(input);
        var first = await Task.WhenAny(a, b);
        var winner = first == a ? "a" : "b";
        await Task.WhenAll(a, b);
        return $"{winner}:{a.Result}:{b.Result}:{ctx.UtcNow:O}";
    }
}

/// <summary>Catches a failed activity and compensates.</summary>
public sealed class Compensating : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        try
        {
            await ctx.CallAsync<AddOne, int, int>(input, RetryPolicy.NoRetry);
            return "ok";
        }
        catch (ActivityFailedException e)
        {
            var undo = await ctx.CallAsync<Double, int, int>(-input);
            return $"compensated {undo} after {e.ErrorType}";
        }
    }
}

public sealed class Throwing : Workflow<int, int>
{
    public override Task<int> RunAsync(WorkflowContext ctx, int input) => throw new InvalidOperationException("boom " + input);
}

/// <summary>Breaks the rules: awaits Task.Delay.</summary>
public sealed class Sleepy : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        await Task.Delay(10);
        return input;
    }
}

/// <summary>Breaks the rules: calls the context from the thread pool.</summary>
public sealed class Escaping : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        return await Task.Run(() => ctx.CallAsync<AddOne, int, int>(input));
    }
}

/// <summary>Draws ids and randomness and reports the clock.</summary>
public sealed class Drawing : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        var before = ctx.NewGuid();
        var n = ctx.Random.Next(0, 1_000_000);
        var t0 = ctx.UtcNow;
        await ctx.CallAsync<AddOne, int, int>(input);
        return $"{before}|{n}|{t0:O}|{ctx.UtcNow:O}|{ctx.NewGuid()}";
    }
}

/// <summary>Sends a big input to an activity.</summary>
public sealed class Oversized : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var big = new string('x', input);
        return await ctx.CallAsync<Echo, string, int>(big);
    }
}

public sealed class Echo : Activity<string, int>
{
    public override Task<int> ExecuteAsync(string input, ActivityExecutionContext context) => Task.FromResult(input.Length);
}

internal static class Registries
{
    public static SteadfastRegistry All() => new SteadfastRegistry()
        .AddWorkflow<Sequential>()
        .AddWorkflow<SequentialChanged>()
        .AddWorkflow<Racing>()
        .AddWorkflow<Compensating>()
        .AddWorkflow<Throwing>()
        .AddWorkflow<Sleepy>()
        .AddWorkflow<Escaping>()
        .AddWorkflow<Drawing>()
        .AddWorkflow<Oversized>()
        .AddWorkflow<SleepThenAdd>()
        .AddWorkflow<ActivityWithDeadline>()
        .AddWorkflow<Approval>()
        .AddWorkflow<Parent>()
        .AddWorkflow<Compensated>()
        .AddActivity<AddOne>()
        .AddActivity<Double>()
        .AddActivity<Echo>();
}
