namespace Steadfast.Hosting.Replication;

/// <summary>Litestream could not restore or read a replica.</summary>
public sealed class ReplicationException(string message) : Exception(message);
