using Akka.Actor;

namespace Steadfast.Actors;

/// <summary>Messages between the router and the workflow actors it owns.</summary>
internal static class RouterProtocol
{
    /// <summary>
    /// Workflow → router: I am idle; stop me when no message is on its way. A <paramref name="Dormant"/> workflow
    /// is unfinished and waits only for timers and signals: bring it back at <paramref name="WakeAt"/> (its next timer) or on a message.
    /// </summary>
    public sealed record Passivate(string WorkflowId, bool Dormant, bool HasSnapshot, DateTimeOffset? WakeAt);

    /// <summary>
    /// Workflow → router, in answer to <see cref="StopExecution"/>: a request that reached it after it asked to
    /// passivate made it busy again; it stays, and the router delivers what it buffered meanwhile.
    /// </summary>
    public sealed record PassivationCancelled(string WorkflowId);

    /// <summary>
    /// Workflow → router, as it stops unexpectedly: requests it had accepted and not answered (waits, and starts,
    /// signals or cancellations whose write was not confirmed), each with its asker, for the next incarnation.
    /// </summary>
    public sealed record HandedBack(string WorkflowId, IReadOnlyList<(object Request, IActorRef Asker)> Requests);

    /// <summary>
    /// Workflow → router: nothing of mine runs (settled, or waiting only for timers, signals or children); my admission
    /// slot is free for the next workflow (I stay in memory until I passivate, and say <see cref="Busy"/> if I write again).
    /// </summary>
    public sealed record Quiet(string WorkflowId);

    /// <summary>Workflow → router, after <see cref="Quiet"/>: I am writing again (a timer, a signal, a child's result); count me in flight.</summary>
    public sealed record Busy(string WorkflowId);

    /// <summary>Router → itself: a dormant workflow's timer is due.</summary>
    public sealed record Wake(string WorkflowId);

    /// <summary>Router → workflow: stop now (the explicit stop message; persistent actors never get a PoisonPill).</summary>
    public sealed class StopExecution
    {
        public static readonly StopExecution Instance = new();
        private StopExecution() { }
    }

    /// <summary>Router → workflow resumed at host start: answer <see cref="Resumed"/> once your recovery is done.</summary>
    public sealed class ResumeProbe
    {
        public static readonly ResumeProbe Instance = new();
        private ResumeProbe() { }
    }

    /// <summary>Workflow → router: recovered and running again.</summary>
    public sealed class Resumed
    {
        public static readonly Resumed Instance = new();
        private Resumed() { }
    }

    /// <summary>Router → itself: the unfinished-workflow query failed.</summary>
    public sealed record ResumeQueryFailed(Exception Error);

    /// <summary>Workflow → router, just before it stops: why (a journal write or recovery failed).</summary>
    public sealed record Faulted(string WorkflowId, string Reason);

    /// <summary>
    /// Workflow → router, just before it stops: its history holds an event this version cannot read. Unlike
    /// <see cref="Faulted"/> it is not brought back with backoff (it would fail the same way): it stays faulted.
    /// </summary>
    public sealed record Quarantined(string WorkflowId, string Reason);

    /// <summary>Router → itself: bring a workflow that stopped unexpectedly back.</summary>
    public sealed record Restart(string WorkflowId);

    /// <summary>Router → workflow (at shutdown): answer <see cref="Drained"/> once every journal write you started has been acknowledged.</summary>
    public sealed class DrainProbe
    {
        public static readonly DrainProbe Instance = new();
        private DrainProbe() { }
    }

    /// <summary>Workflow → router, and router → the shutdown task: nothing is being written any more.</summary>
    public sealed class Drained
    {
        public static readonly Drained Instance = new();
        private Drained() { }
    }

    /// <summary>Router → itself: stop waiting for slow workflows to drain.</summary>
    public sealed class DrainTimedOut
    {
        public static readonly DrainTimedOut Instance = new();
        private DrainTimedOut() { }
    }
}
