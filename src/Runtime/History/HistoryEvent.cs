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
