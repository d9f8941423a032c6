using System.Globalization;
using System.Text.RegularExpressions;
using Steadfast.Actors.Replication;

namespace Steadfast.Hosting.Replication;

/// <summary>
/// Reads the positions Litestream reports shipped from its log (<c>wal segment written … position=GEN/INDEX:OFFSET
/// … sz=N</c>) and names their WAL cycle from the header of Litestream's shadow WAL file for that index, which copies
/// the journal's WAL header. A snapshot is not taken as proof: it copies the database file, and the WAL frames before
/// its position reach the replica only with the segment uploaded after it.
/// </summary>
internal sealed partial class ShippedPositions(string databasePath)
{
    private readonly string _shadowRoot = Path.Combine(Litestream.MetaFolder(databasePath), "generations");
    private readonly Dictionary<(string Generation, string Index), (uint Salt1, uint Salt2)> _cycles = new();

    /// <summary>The position a log line reports shipped to a replica, or null for any other line (or a cycle no longer readable).</summary>
    public WalPosition? FromLogLine(string line)
    {
        var segment = SegmentWritten().Match(line);
        if (!segment.Success) return null;
        var (generation, index) = (segment.Groups["gen"].Value, segment.Groups["index"].Value);
        var end = long.Parse(segment.Groups["offset"].Value, CultureInfo.InvariantCulture) + long.Parse(segment.Groups["size"].Value, CultureInfo.InvariantCulture);
        lock (_cycles)
        {
            if (!_cycles.TryGetValue((generation, index), out var cycle))
            {
                if (WalPosition.ReadHeader(Path.Combine(_shadowRoot, generation, "wal", index + ".wal")) is not { } header) return null;
                _cycles[(generation, index)] = cycle = header;
            }
            return new WalPosition(cycle.Salt1, cycle.Salt2, end);
        }
    }

    [GeneratedRegex(@"msg=""wal segment written"".*?position=(?<gen>[0-9a-f]{16})/(?<index>[0-9a-f]{8}):(?<offset>\d+).*?\bsz=(?<size>\d+)")]
    private static partial Regex SegmentWritten();

}
