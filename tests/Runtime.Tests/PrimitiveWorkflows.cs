
namespace Steadfast.Runtime.Tests;

public sealed class SleepThenAdd : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        await ctx.SleepAsync(TimeSpan.FromMinutes(10));
        return await ctx.CallAsync<AddOne, int, int>(input);
    }
}

/// <summary>Activity against a timeout timer: whichever the journal says came first wins.</summary>
public sealed class ActivityWithDeadline : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        var work = ctx.CallAsync<AddOne, int, int>(input);
        var deadline = ctx.SleepAsync(TimeSpan.FromSeconds(30));
        return await Task.WhenAny(work, deadline) == work ? $"done {work.Result}" : "timed out";
    }
}

/// <summary>Collects three "item" signals, then waits for "approve" with a timeout.</summary>
public sealed class Approval : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext ctx, int input)
    {
        var items = new List<string>();
        for (var i = 0; i < 3; i++) items.Add(await ctx.WaitForSignalAsync<string>("item"));
        var (approved, by) = await ctx.WaitForSignalAsync<string>("approve", TimeSpan.FromHours(1));
        return $"{string.Join(",", items)}|{(approved ? by : "no answer")}";
    }
}

public sealed class Parent : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        var fromChild = await ctx.CallChildAsync<SleepThenAdd, int, int>(input);
        try
        {
            await ctx.CallChildAsync<Throwing, int, int>(input, childId: "custom-child");
            return -1;
        }
        catch (ChildWorkflowFailedException e) when (e.ChildId == "custom-child")
        {
            return fromChild * 100;
        }
    }
}

/// <summary>Waits on a long activity; when cancelled, compensates with another activity and rethrows.</summary>
public sealed class Compensated : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext ctx, int input)
    {
        try
        {
            return await ctx.CallAsync<AddOne, int, int>(input);
        }
        catch (WorkflowCancelledException)
        {
            await ctx.CallAsync<Double, int, int>(input); // the undo step
            throw;
        }
    }
}
