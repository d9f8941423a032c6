namespace Steadfast.Actors.Replication;

/// <summary>A journal write committed locally but no replica confirmed it, so it must not be acknowledged.</summary>
public sealed class ReplicationNotConfirmedException(string message) : Exception(message);
