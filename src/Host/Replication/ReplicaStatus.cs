namespace Steadfast.Hosting.Replication;

/// <summary>One replica's state as Litestream's <c>generations</c> command reports it.</summary>
/// <param name="Replica">The replica's name.</param>
/// <param name="Generation">The current (latest) generation.</param>
/// <param name="Lag">How far the replica is behind the database, as Litestream measures it.</param>
/// <param name="LastSync">The end of the replicated range: when frames were last shipped.</param>
public sealed record ReplicaStatus(string Replica, string Generation, TimeSpan? Lag, DateTimeOffset? LastSync)
{
    /// <summary>Parses the table printed by <c>litestream generations</c>; the newest row per replica wins.</summary>
    public static IReadOnlyList<ReplicaStatus> ParseGenerations(string output)
    {
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("name ", StringComparison.Ordinal) && !l.StartsWith("time=", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length >= 5)
            .Select(c => new ReplicaStatus(c[0], c[1], GoDuration.Parse(c[2]),
                DateTimeOffset.TryParse(c[4], out var end) ? end : null));
        return rows.GroupBy(r => r.Replica).Select(g => g.OrderBy(r => r.LastSync).Last()).ToList();
    }
}
