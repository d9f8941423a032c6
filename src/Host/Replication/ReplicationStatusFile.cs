using System.Text.Json;

namespace Steadfast.Hosting.Replication;

/// <summary>
/// The running host's view of replication, written next to the journal every second
/// (<c>steadfast.db.replication.json</c>) for <c>steadfast replication status</c>, which runs in another process.
/// </summary>
public static class ReplicationStatusFile
{
    /// <summary>What the host measured.</summary>
    /// <param name="UpdatedAt">When it was written.</param>
    /// <param name="HostPid">The host's process id.</param>
    /// <param name="LagMs">Age of the oldest commit no replica holds, in ms (0 when caught up).</param>
    /// <param name="PendingCommits">Journal writes not yet on a replica.</param>
    /// <param name="Replicated">The newest WAL position a replica holds.</param>
    /// <param name="AcknowledgeAfterReplicated">Whether acknowledgements wait for a replica.</param>
    public sealed record Content(DateTimeOffset UpdatedAt, int HostPid, long LagMs, int PendingCommits, string? Replicated, bool AcknowledgeAfterReplicated);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string PathOf(string databasePath) => databasePath + ".replication.json";

    public static void Write(string databasePath, Content content)
    {
        var path = PathOf(databasePath);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(content, Json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The host's latest figures, or null when no host wrote them in the last few seconds (or its process is gone).</summary>
    public static Content? ReadFresh(string databasePath)
    {
        try
        {
            var content = JsonSerializer.Deserialize<Content>(File.ReadAllText(PathOf(databasePath)), Json);
            if (content is null || DateTimeOffset.UtcNow - content.UpdatedAt > TimeSpan.FromSeconds(5)) return null;
            using var host = System.Diagnostics.Process.GetProcessById(content.HostPid);
            return content;
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Delete(string databasePath)
    {
        File.Delete(PathOf(databasePath));
        File.Delete(PathOf(databasePath) + ".tmp");
    }
}
