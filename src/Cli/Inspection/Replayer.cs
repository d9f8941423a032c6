using Steadfast.Runtime;
using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Cli.Inspection;

/// <summary>The CLI's use of <see cref="WorkflowReplayer"/>: its errors as the inspection exit codes.</summary>
public static class Replayer
{
    /// <summary>The engine's outcome after every stored event was applied; a <see cref="SuspendedOutcome"/> names the divergence.</summary>
    /// <exception cref="InspectionException">The workflow type is not in <paramref name="registry"/>.</exception>
    public static WorkflowOutcome Replay(SteadfastRegistry registry, IReadOnlyList<HistoryEvent> history)
    {
        try
        {
            return WorkflowReplayer.Replay(registry, history);
        }
        catch (ArgumentException e)
        {
            throw new InspectionException(InspectionError.NoWorkflowCode, e.Message[..(e.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var i and >= 0 ? i : e.Message.Length)]);
        }
    }
}
