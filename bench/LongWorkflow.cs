using Steadfast.Runtime;

namespace Steadfast.Bench;

/// <summary>Calls <see cref="PlusOne"/> <c>input</c> times in a row: a long history (2 events per call) for the inspection benchmark.</summary>
public sealed class LongWorkflow : Workflow<int, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var value = 0;
        for (var i = 0; i < input; i++) value = await context.CallAsync<PlusOne, int, int>(value);
        return value;
    }
}
