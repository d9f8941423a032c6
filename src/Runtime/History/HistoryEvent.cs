using System.Text.Json.Serialization;

namespace Steadfast.Runtime.History;

/// <summary>
/// One entry of a workflow's journal. Event names and fields are a stored format: a change is a new
/// versioned event, never an edit of an existing one (see <see cref="HistoryEventCodec"/>).
/// </summary>
/// <param name="Timestamp">When the event was recorded (UTC); also the workflow's clock while it is applied.</param>
public abstract record HistoryEvent(DateTimeOffset Timestamp);

/// <summary>The workflow exists: its id, type and input are fixed. Workflow time starts at <see cref="HistoryEvent.Timestamp"/>.</summary>
/// <param name="WorkflowId">The caller-chosen unique id.</param>
/// <param name="WorkflowType">The registered workflow name.</param>
/// <param name="InputJson">The input as JSON.</param>
/// <param name="RandomSeed">Seeds <c>NewGuid</c> and <c>Random</c> so that replays draw the same values.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record WorkflowStarted(string WorkflowId, string WorkflowType, [property: JsonPropertyName("input"), JsonConverter(typeof(RawJsonConverter))] string InputJson, long RandomSeed, DateTimeOffset Timestamp)
    : HistoryEvent(Timestamp);

/// <summary>The workflow called an activity at step <paramref name="Sequence"/>; it is now in flight until a result or failure is journaled.</summary>
/// <param name="Sequence">The step number of the call.</param>
/// <param name="ActivityName">The registered activity name.</param>
/// <param name="InputJson">The input as JSON.</param>
/// <param name="RetryPolicy">The policy the runner applies.</param>
/// <param name="AttemptTimeout">Longest one attempt may run, or null.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record ActivityScheduled(int Sequence, string ActivityName, [property: JsonPropertyName("input"), JsonConverter(typeof(RawJsonConverter))] string InputJson, RetryPolicy RetryPolicy, TimeSpan? AttemptTimeout, DateTimeOffset Timestamp)
    : HistoryEvent(Timestamp);

/// <summary>One attempt of step <paramref name="Sequence"/> failed and will be retried; the next attempt is <paramref name="Attempt"/> + 1.</summary>
/// <param name="Sequence">The step number of the call.</param>
/// <param name="Attempt">The failed attempt's number (1-based).</param>
/// <param name="ErrorType">The exception's type name.</param>
/// <param name="ErrorMessage">The exception's message.</param>
/// <param name="RetryDelay">The backoff before the next attempt.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record ActivityAttemptFailed(int Sequence, int Attempt, string ErrorType, string ErrorMessage, TimeSpan RetryDelay, DateTimeOffset Timestamp)
    : HistoryEvent(Timestamp);

/// <summary>Step <paramref name="Sequence"/> succeeded; its result is final and the activity never runs again for this step.</summary>
/// <param name="Sequence">The step number of the call.</param>
/// <param name="ResultJson">The result as JSON.</param>
/// <param name="Attempt">The attempt that succeeded.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record ActivityCompleted(int Sequence, [property: JsonPropertyName("result"), JsonConverter(typeof(RawJsonConverter))] string ResultJson, int Attempt, DateTimeOffset Timestamp)
    : HistoryEvent(Timestamp);

/// <summary>Step <paramref name="Sequence"/> failed for good; the workflow code receives an <see cref="ActivityFailedException"/>.</summary>
/// <param name="Sequence">The step number of the call.</param>
/// <param name="ErrorType">The last error's type name.</param>
/// <param name="ErrorMessage">The last error's message.</param>
/// <param name="Attempts">Attempts run in all.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record ActivityFailed(int Sequence, string ErrorType, string ErrorMessage, int Attempts, DateTimeOffset Timestamp)
    : HistoryEvent(Timestamp);

/// <summary>The workflow returned; terminal.</summary>
/// <param name="ResultJson">The result as JSON.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record WorkflowCompleted([property: JsonPropertyName("result"), JsonConverter(typeof(RawJsonConverter))] string ResultJson, DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>The workflow threw; terminal.</summary>
/// <param name="ErrorType">The exception's type name.</param>
/// <param name="ErrorMessage">The exception's message.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record WorkflowFailed(string ErrorType, string ErrorMessage, DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>The workflow started a durable timer at step <paramref name="Sequence"/> that fires at <paramref name="FireAt"/>, also after a restart.</summary>
/// <param name="Sequence">The step number of the call.</param>
/// <param name="FireAt">When the timer is due (UTC).</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record TimerStarted(int Sequence, DateTimeOffset FireAt, DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>The timer of step <paramref name="Sequence"/> fired; the code waiting on it goes on.</summary>
/// <param name="Sequence">The step number of the timer.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record TimerFired(int Sequence, DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>
/// An external signal arrived; it is buffered until the code waits for a signal of that name, in arrival order. A
/// later signal with the same <paramref name="SignalId"/> is a duplicate and is not journaled.
/// </summary>
/// <param name="Name">The signal's name.</param>
/// <param name="PayloadJson">The payload as JSON.</param>
/// <param name="SignalId">The de-duplication id (the sender's, or one the runtime chose); null in events stored as <c>SignalReceived.v1</c>.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record SignalReceived(
    string Name,
    [property: JsonPropertyName("payload"), JsonConverter(typeof(RawJsonConverter))] string PayloadJson,
    string? SignalId,
    DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>The workflow started child workflow <paramref name="ChildId"/> at step <paramref name="Sequence"/>; it is in flight until its outcome is journaled here.</summary>
/// <param name="Sequence">The step number of the call.</param>
/// <param name="ChildId">The child's workflow id.</param>
/// <param name="WorkflowType">The child's registered workflow name.</param>
/// <param name="InputJson">The child's input as JSON.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record ChildWorkflowStarted(
    int Sequence,
    string ChildId,
    string WorkflowType,
    [property: JsonPropertyName("input"), JsonConverter(typeof(RawJsonConverter))] string InputJson,
    DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>The child of step <paramref name="Sequence"/> completed with <paramref name="ResultJson"/>.</summary>
/// <param name="Sequence">The step number of the child call.</param>
/// <param name="ResultJson">The child's result as JSON.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record ChildWorkflowCompleted(
    int Sequence,
    [property: JsonPropertyName("result"), JsonConverter(typeof(RawJsonConverter))] string ResultJson,
    DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>The child of step <paramref name="Sequence"/> failed, was cancelled or could not start; the code gets a <see cref="ChildWorkflowFailedException"/>.</summary>
/// <param name="Sequence">The step number of the child call.</param>
/// <param name="ErrorType">The child's error type.</param>
/// <param name="ErrorMessage">The child's error message.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record ChildWorkflowFailed(int Sequence, string ErrorType, string ErrorMessage, DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>Cancellation was requested: the context's token is cancelled, every pending call fails with <see cref="WorkflowCancelledException"/>, and the code may compensate.</summary>
/// <param name="Reason">Why, as the caller said.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record WorkflowCancelRequested(string Reason, DateTimeOffset Timestamp) : HistoryEvent(Timestamp);

/// <summary>The workflow ended after a cancellation request; terminal.</summary>
/// <param name="Reason">The reason of the request.</param>
/// <param name="Timestamp">When the event was recorded (UTC).</param>
public sealed record WorkflowCancelled(string Reason, DateTimeOffset Timestamp) : HistoryEvent(Timestamp);
