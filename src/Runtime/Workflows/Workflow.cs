namespace Steadfast.Runtime;

/// <summary>
/// A durable workflow: ordinary async C# that Steadfast journals and replays after a crash.
/// </summary>
/// <remarks>
/// Determinism rules, because the code is re-run against its journal after every restart:
/// <list type="bullet">
/// <item>Get time, ids and randomness only from the context (<see cref="WorkflowContext.UtcNow"/>,
/// <see cref="WorkflowContext.NewGuid"/>, <see cref="WorkflowContext.Random"/>), never from
/// <c>DateTime.Now</c>, <c>Guid.NewGuid</c> or <c>new Random()</c>.</item>
/// <item>Do side effects (I/O, HTTP, database, files) in activities, never in the workflow itself.</item>
/// <item>Never use <c>Task.Run</c>, <c>Task.Delay</c>, <c>ConfigureAwait(false)</c>, threads or timers; await only
/// context calls and tasks made from them (<c>Task.WhenAll</c>/<c>Task.WhenAny</c> over them is fine).</item>
/// <item>Changing the order, names or inputs of context calls breaks running workflows: a replay that
/// diverges from the journal suspends the workflow with a report naming the step.</item>
/// </list>
/// A workflow takes one input record and returns one output record so that contracts can grow.
/// </remarks>
/// <typeparam name="TIn">The input, deserialized from the start request's JSON.</typeparam>
/// <typeparam name="TOut">The result, journaled as JSON when the workflow completes.</typeparam>
public abstract class Workflow<TIn, TOut> : IWorkflow
{
    /// <summary>Runs the workflow. Called again after each restart; completed steps return from the journal at once.</summary>
    /// <param name="context">The workflow's gateway to activities, time and randomness.</param>
    /// <param name="input">The input the workflow was started with.</param>
    public abstract Task<TOut> RunAsync(WorkflowContext context, TIn input);

    async Task<string> IWorkflow.RunAsync(WorkflowContext context, string inputJson)
    {
        var input = PayloadCodec.Deserialize<TIn>(inputJson);
        var output = await RunAsync(context, input);
        return PayloadCodec.Serialize(output);
    }

    Type IWorkflow.InputType => typeof(TIn);
}

/// <summary>The untyped face of a workflow that the replay engine drives.</summary>
internal interface IWorkflow
{
    Task<string> RunAsync(WorkflowContext context, string inputJson);

    Type InputType { get; }
}
