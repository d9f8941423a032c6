namespace Steadfast.Actors;

/// <summary>
/// The host did not answer a <see cref="WorkflowClient"/> request within the client's timeout. The request may or may
/// not have been carried out; each is idempotent (a start with the same id and input, a signal with the same id, a
/// cancel), so sending it again is safe.
/// </summary>
public sealed class WorkflowTimeoutException(string message, Exception? inner = null) : TimeoutException(message, inner);
