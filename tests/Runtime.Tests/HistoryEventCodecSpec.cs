using System.Text;
using Steadfast.Runtime.History;

namespace Steadfast.Runtime.Tests;

public sealed class HistoryEventCodecSpec
{
    private static readonly DateTimeOffset T = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static TheoryData<HistoryEvent> Events => new()
    {
        new WorkflowStarted("wf-1", "Review", """{"url":"http://x"}""", -5, T),
        new ActivityScheduled(3, "Fetch", "[1,2]", RetryPolicy.Exponential(4, TimeSpan.FromMilliseconds(250), nonRetryable: typeof(ArgumentException)), TimeSpan.FromSeconds(9), T),
        new ActivityAttemptFailed(3, 2, "System.IO.IOException", "disk", TimeSpan.FromSeconds(2), T),
        new ActivityCompleted(3, "\"text\"", 2, T),
        new ActivityFailed(3, "X", "y", 4, T),
        new WorkflowCompleted("null", T),
        new WorkflowFailed("E", "m", T),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_should_round_trip_through_its_manifest(HistoryEvent e)
    {
        var decoded = HistoryEventCodec.Decode(HistoryEventCodec.Encode(e), HistoryEventCodec.ManifestOf(e));

        Assert.Equal(HistoryEventCodec.EncodeToString(e), HistoryEventCodec.EncodeToString(decoded));
        if (e is not ActivityScheduled) Assert.Equal(e, decoded); // RetryPolicy holds a list: compared by text above
    }

    [Fact]
    public void Payloads_should_be_stored_as_readable_json_not_escaped_strings()
    {
        var text = HistoryEventCodec.EncodeToString(new WorkflowStarted("wf-1", "Review", """{"url":"http://x"}""", 1, T));

        Assert.Contains("\"input\":{\"url\":\"http://x\"}", text);
        Assert.Contains("\"workflowType\":\"Review\"", text);
    }

    [Fact]
    public void Unknown_manifest_should_name_itself_and_the_known_ones()
    {
        var e = Assert.Throws<UnknownEventVersionException>(() => HistoryEventCodec.Decode(Encoding.UTF8.GetBytes("{}"), "ActivityCompleted.v9"));

        Assert.Contains("'ActivityCompleted.v9'", e.Message);
        Assert.Contains("ActivityCompleted.v1", e.Message);
    }
}
