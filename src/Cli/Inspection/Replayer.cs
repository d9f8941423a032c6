using Steadfast.Actors;
using Steadfast.Runtime;
using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Cli.Inspection;

/// <summary>The CLI's use of <see cref="WorkflowReplayer"/> and <see cref="StatusReport"/>: their errors as the inspection exit codes.</summary>
public static class Replayer
{
    /// <summary>The engine's outcome after every stored event was applied; a <see cref="SuspendedOutcome"/> names the divergence.</summary>
    /// <exception cref="InspectionException">The workflow type is not in <paramref name="registry"/>.</exception>
    public static WorkflowOutcome Replay(SteadfastRegistry registry, IReadOnlyList<HistoryEvent> history) =>
        WithCode(() => WorkflowReplayer.Replay(registry, history));

    /// <summary>The status a host would report for this history; with <paramref name="code"/>, Suspended is told from Running.</summary>
    /// <exception cref="InspectionException">The workflow type is not in <paramref name="code"/>.</exception>
    public static WorkflowStatus Status(string workflowId, IReadOnlyList<HistoryEvent> history, SteadfastRegistry? code) =>
        WithCode(() => StatusReport.FromHistory(workflowId, history, code));

    private static T WithCode<T>(Func<T> replay)
    {
        try
        {
            return replay();
        }
        catch (ArgumentException e)
        {
            throw new InspectionException(InspectionError.NoWorkflowCode, e.Message[..(e.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var i and >= 0 ? i : e.Message.Length)]);
        }
    }
}
