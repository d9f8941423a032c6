using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steadfast.Hosting.Fleet;

/// <summary>
/// What a host publishes next to a replica (<see cref="FileName"/>) for an observer: a hint that says which journals
/// deserve a pull, never the source of truth (the journal is). <see cref="Format"/> lets an older observer skip a
/// summary it does not understand instead of misreading it.
/// </summary>
/// <param name="Format">The summary format; this version writes and reads <see cref="CurrentFormat"/>.</param>
/// <param name="Host">The publishing host.</param>
/// <param name="Tenant">The tenant whose journal this is.</param>
/// <param name="Generation">The Litestream generation the replica holds, when known.</param>
/// <param name="WrittenAt">When the summary was written.</param>
/// <param name="LastWriteAt">When the journal's newest event was written.</param>
/// <param name="LagSeconds">How old the oldest commit no replica holds was (0 when caught up).</param>
/// <param name="Counts">Executions by status, from the journal.</param>
/// <param name="Flagged">Ids worth a look (at most <see cref="MaxIds"/> each, newest first).</param>
/// <param name="LastRow">The journal's newest row (its ordering): a pulled copy holding it holds everything summarized. Absent from older summaries.</param>
public sealed record FleetSummary(int Format, string Host, string Tenant, string? Generation, DateTimeOffset WrittenAt, DateTimeOffset? LastWriteAt,
    double? LagSeconds, FleetCounts Counts, FleetFlagged Flagged, long? LastRow = null)
{
    /// <summary>The file (or object) name next to a replica.</summary>
    public const string FileName = "steadfast-summary.json";

    /// <summary>The format this version writes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>How many ids of each kind a summary lists.</summary>
    public const int MaxIds = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The summary as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a summary; the problem instead when it is not one this version understands.</summary>
    public static FleetSummary? Parse(string json, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("format", out var format) ||
                format.ValueKind != JsonValueKind.Number)
            {
                problem = "not a Steadfast fleet summary (no format)";
                return null;
            }
            if (format.GetInt32() > CurrentFormat)
            {
                problem = $"written by a newer Steadfast (summary format {format.GetInt32()}; this version reads {CurrentFormat})";
                return null;
            }
            var summary = document.RootElement.Deserialize<FleetSummary>(Json);
            if (summary is null || string.IsNullOrEmpty(summary.Host) || string.IsNullOrEmpty(summary.Tenant) || summary.Counts is null ||
                summary.Flagged?.Failed is null || summary.Flagged.Stuck is null)
            {
                problem = "incomplete summary (host, tenant, counts and flagged are required)";
                return null;
            }
            return summary;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            problem = $"malformed JSON ({e.Message})";
            return null;
        }
    }
}

/// <summary>Executions by status.</summary>
public sealed record FleetCounts(long Running, long Completed, long Failed, long Cancelled);

/// <summary>Ids worth a look.</summary>
/// <param name="Failed">Failed workflows, newest first.</param>
/// <param name="Stuck">Running workflows with no event for <see cref="FleetOptions.StuckAfter"/>.</param>
public sealed record FleetFlagged(IReadOnlyList<string> Failed, IReadOnlyList<string> Stuck);
