using System.Globalization;
using System.Text.RegularExpressions;

namespace Steadfast.Hosting.Replication;

/// <summary>Go's duration format, which Litestream reads in its config and prints in its status.</summary>
internal static partial class GoDuration
{
    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();

    public static string Format(TimeSpan t) => $"{(long)Math.Round(t.TotalMilliseconds)}ms";

    /// <summary>Parses e.g. <c>-8ms</c>, <c>1.5s</c>, <c>2m3.1s</c>; null when it is not a duration.</summary>
    public static TimeSpan? Parse(string text)
    {
        var negative = text.StartsWith('-');
        var body = negative ? text[1..] : text;
        if (body == "0") return TimeSpan.Zero;
        var matches = Part().Matches(body);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != body) return null;
        var ms = matches.Sum(m =>
        {
            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch
            {
                "h" => v * 3_600_000, "m" => v * 60_000, "s" => v * 1000, "ms" => v,
                "us" or "µs" => v / 1000, _ => v / 1_000_000,
            };
        });
        return TimeSpan.FromMilliseconds(negative ? -ms : ms);
    }
}
