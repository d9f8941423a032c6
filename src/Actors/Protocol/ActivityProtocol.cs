using Steadfast.Runtime.History;

namespace Steadfast.Actors;

/// <summary>Messages between a workflow, its activity runners and their attempts.</summary>
internal static class ActivityProtocol
{
    /// <summary>Runner → workflow: the step succeeded.</summary>
    public sealed record Succeeded(int Sequence, string ResultJson, int Attempt);

    /// <summary>Runner → workflow: an attempt failed and another follows after <paramref name="RetryDelay"/>.</summary>
    public sealed record AttemptFailed(int Sequence, int Attempt, string ErrorType, string ErrorMessage, TimeSpan RetryDelay);

    /// <summary>Workflow → runner: the failure of <paramref name="Attempt"/> is journaled; the next attempt may start after its backoff.</summary>
    public sealed record AttemptFailureJournaled(int Attempt);

    /// <summary>Runner → workflow: the step failed for good.</summary>
    public sealed record GaveUp(int Sequence, string ErrorType, string ErrorMessage, int Attempts);

    /// <summary>Runner → itself: the backoff after a failed attempt has elapsed.</summary>
    public sealed class BackoffElapsed
    {
        public static readonly BackoffElapsed Instance = new();
        private BackoffElapsed() { }
    }

    /// <summary>Attempt → runner: the attempt returned.</summary>
    public sealed record AttemptSucceeded(string ResultJson);

    /// <summary>Attempt → itself: the task finished with this exception.</summary>
    public sealed record AttemptErrored(Exception Error);

    /// <summary>Attempt → itself: the attempt timeout elapsed.</summary>
    public sealed class AttemptTimedOut
    {
        public static readonly AttemptTimedOut Instance = new();
        private AttemptTimedOut() { }
    }

    /// <summary>What a runner needs to know about its step.</summary>
    public sealed record Step(string WorkflowId, ActivityScheduled Scheduled);
}
