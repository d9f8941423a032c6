namespace Steadfast.Actors;

/// <summary>Starts workflow <paramref name="WorkflowId"/>; answered with <see cref="WorkflowAccepted"/> only after the start is durable, or with <see cref="StartRejected"/>.</summary>
/// <param name="WorkflowId">Unique id chosen by the caller (1–128 of letters, digits, <c>. _ - : @</c>).</param>
/// <param name="WorkflowType">The registered workflow name.</param>
/// <param name="InputJson">The input as JSON.</param>
public sealed record StartWorkflow(string WorkflowId, string WorkflowType, string InputJson);

/// <summary>The start is journaled. <paramref name="Created"/> is false when the same start had already been accepted (idempotent retry).</summary>
public sealed record WorkflowAccepted(string WorkflowId, bool Created);

/// <summary>The start was refused; nothing was journaled.</summary>
public sealed record StartRejected(string WorkflowId, StartRejection Reason, string Message);

/// <summary>Why a start was refused.</summary>
public enum StartRejection
{
    /// <summary>The id is empty, too long or has characters outside the allowed set.</summary>
    InvalidId,
    /// <summary>No workflow is registered under that name.</summary>
    UnknownType,
    /// <summary>The input is not JSON, or does not fit the workflow's input type.</summary>
    MalformedInput,
    /// <summary>The input is over the payload limit.</summary>
    PayloadTooLarge,
    /// <summary>The id exists with another type or input.</summary>
    Conflict,
    /// <summary>The host is shutting down.</summary>
    Unavailable,
    /// <summary>The host is at its limit of workflows in flight and of starts waiting for a slot; retry with backoff (<see cref="WorkflowClient"/> does).</summary>
    Overloaded,
    /// <summary>
    /// The id exists, but its history holds an event this version cannot read (it is faulted until a version that reads it
    /// runs), or its tenant's journal cannot be opened (a damaged, foreign or unreadable file: the message says why).
    /// </summary>
    Faulted,
}

/// <summary>Asks for a workflow's <see cref="WorkflowStatus"/>.</summary>
public sealed record GetWorkflowStatus(string WorkflowId);

/// <summary>Answered with <see cref="WorkflowStatus"/> once the workflow is settled (completed, failed or suspended); at once if it already is.</summary>
public sealed record WaitForWorkflow(string WorkflowId);

/// <summary>Where a workflow stands.</summary>
public enum ExecutionStatus
{
    /// <summary>No workflow has this id.</summary>
    NotFound,
    /// <summary>Started and not finished.</summary>
    Running,
    /// <summary>Returned a result.</summary>
    Completed,
    /// <summary>Threw; the error is journaled.</summary>
    Failed,
    /// <summary>Ended after a cancellation request; the reason is journaled.</summary>
    Cancelled,
    /// <summary>Its code diverged from its journal or broke a determinism rule; it waits for fixed code and a restart.</summary>
    Suspended,
    /// <summary>
    /// Its journal failed (a write or its recovery; it is being recovered with backoff and does not advance meanwhile),
    /// or its history holds an event this version cannot read (it stays faulted; the error names the event).
    /// </summary>
    Faulted,
}

/// <summary>A workflow's state as of its last journaled event.</summary>
/// <param name="WorkflowId">The id.</param>
/// <param name="WorkflowType">The registered name, null when not found.</param>
/// <param name="Status">Running, Completed, Failed, Cancelled, Suspended, Faulted or NotFound.</param>
/// <param name="ResultJson">The result when completed.</param>
/// <param name="Error">The error when failed, or the divergence report when suspended.</param>
/// <param name="Steps">Context calls journaled so far.</param>
/// <param name="StartedAt">When the start was journaled.</param>
/// <param name="FinishedAt">When the terminal event was journaled.</param>
/// <param name="WaitingOn">What it waits on now, e.g. <c>activity Summarize (step 2, attempt 3)</c>, <c>timer (step 4) due …</c>, <c>signal 'approved'</c>.</param>
/// <param name="RecentEvents">The last few journal events, one line each, oldest first.</param>
public sealed record WorkflowStatus(
    string WorkflowId,
    string? WorkflowType,
    ExecutionStatus Status,
    string? ResultJson,
    string? Error,
    int Steps,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<string> WaitingOn,
    IReadOnlyList<string> RecentEvents)
{
    /// <summary>True for Completed, Failed, Cancelled and Suspended.</summary>
    public bool IsSettled => Status is ExecutionStatus.Completed or ExecutionStatus.Failed or ExecutionStatus.Cancelled or ExecutionStatus.Suspended;

    internal static WorkflowStatus NotFound(string workflowId) =>
        new(workflowId, null, ExecutionStatus.NotFound, null, $"No workflow has the id '{Echo.Clip(workflowId)}'.", 0, null, null, [], []);
}

/// <summary>Delivers signal <paramref name="Name"/> to a workflow; answered with <see cref="SignalAccepted"/> only after it is journaled, or <see cref="SignalRejected"/>.</summary>
/// <param name="WorkflowId">The target workflow.</param>
/// <param name="Name">The signal's name (1–200 characters).</param>
/// <param name="PayloadJson">The payload as JSON.</param>
/// <param name="SignalId">
/// Optional de-duplication id (1–128 characters), unique per workflow: a signal whose id is already journaled for the
/// workflow is answered <see cref="SignalAccepted"/> with <c>Duplicate = true</c> and not journaled again, so a caller
/// may re-send after a timeout or a crash. Without it, every signal sent is journaled.
/// </param>
public sealed record SignalWorkflow(string WorkflowId, string Name, string PayloadJson, string? SignalId = null);

/// <summary>The signal is journaled and will be delivered in arrival order; <paramref name="Duplicate"/> when its id had been journaled before (nothing new was written).</summary>
public sealed record SignalAccepted(string WorkflowId, string Name, bool Duplicate = false);

/// <summary>The signal was refused; nothing was journaled.</summary>
public sealed record SignalRejected(string WorkflowId, string Name, RejectionReason Reason, string Message);

/// <summary>Asks a workflow to cancel; answered with <see cref="CancelAccepted"/> once the request is journaled, or <see cref="CancelRejected"/>.</summary>
public sealed record CancelWorkflow(string WorkflowId, string Reason);

/// <summary>The cancellation request is journaled; the workflow ends Cancelled once its code has finished compensating.</summary>
public sealed record CancelAccepted(string WorkflowId);

/// <summary>The cancellation was refused (unknown or finished workflow); nothing was journaled.</summary>
public sealed record CancelRejected(string WorkflowId, RejectionReason Reason, string Message);

/// <summary>Why a signal or a cancellation was refused.</summary>
public enum RejectionReason
{
    /// <summary>No workflow has that id.</summary>
    NotFound,
    /// <summary>The workflow has already finished.</summary>
    Finished,
    /// <summary>The name or payload is invalid (empty or long name, not JSON, over the payload limit).</summary>
    Invalid,
    /// <summary>The host is shutting down; send it again after the restart.</summary>
    Unavailable,
    /// <summary>The host is at its limits; send it again after a backoff.</summary>
    Overloaded,
    /// <summary>The workflow's history holds an event this version cannot read: it is faulted until a version that reads it runs.</summary>
    Faulted,
}

/// <summary>
/// Sent to the router when the host stops: it refuses new starts, signals and cancellations from then on and
/// answers once every workflow's journal writes in flight have been acknowledged (or after a timeout).
/// </summary>
public sealed class DrainWorkflows
{
    /// <summary>The message.</summary>
    public static readonly DrainWorkflows Instance = new();

    private DrainWorkflows() { }
}

/// <summary>Asks the router for <see cref="RuntimeStats"/>.</summary>
public sealed class GetRuntimeStats
{
    /// <summary>The message.</summary>
    public static readonly GetRuntimeStats Instance = new();

    private GetRuntimeStats() { }
}

/// <summary>What the host holds in memory now.</summary>
/// <param name="ActiveWorkflows">Workflow actors in memory (running, or idle and not yet passivated).</param>
/// <param name="DormantWorkflows">Unfinished workflows out of memory that wait only for timers and signals: the due timer or a request recovers them.</param>
/// <param name="ResumeDone">The unfinished workflows found at host start are all back: recovered, or known dormant.</param>
/// <param name="InFlight">Workflows holding an admission slot (in memory and not yet quiet).</param>
/// <param name="WaitingForSlot">Workflows (new starts, or resumes at host start) waiting for an admission slot.</param>
/// <param name="Quarantined">Workflows faulted because their history holds an event this version cannot read.</param>
/// <param name="Degraded">Why the host refuses new starts now (the journal's volume is low on space), or null.</param>
public sealed record RuntimeStats(int ActiveWorkflows, int DormantWorkflows, bool ResumeDone, int InFlight = 0, int WaitingForSlot = 0, int Quarantined = 0,
    string? Degraded = null);
