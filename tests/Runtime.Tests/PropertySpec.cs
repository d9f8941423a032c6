using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Runtime.Tests;

/// <summary>Properties over generated inputs: the stored format round-trips, and a replay reproduces any live run.</summary>
public sealed class PropertySpec
{
    // Payloads are JSON text made by the codec from well-formed strings (lone surrogates cannot be UTF-8).
    private static string Json(string s) => JsonSerializer.Serialize(WellFormed(s), PayloadCodec.Options);

    private static string WellFormed(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));

    private static DateTimeOffset Time(long ticks) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(ticks % TimeSpan.TicksPerDay * 365);

    [Property(MaxTest = 300)]
    public bool Events_should_round_trip_through_the_stored_format(NonNull<string> text, int sequence, PositiveInt attempt, long ticks)
    {
        var t = Time(ticks);
        HistoryEvent[] events =
        [
            new WorkflowStarted(WellFormed(text.Get), WellFormed(text.Get), Json(text.Get), ticks, t),
            new ActivityCompleted(sequence, Json(text.Get), attempt.Get, t),
            new ActivityAttemptFailed(sequence, attempt.Get, WellFormed(text.Get), WellFormed(text.Get), TimeSpan.FromTicks(Math.Abs(ticks % TimeSpan.TicksPerHour)), t),
            new SignalReceived(WellFormed(text.Get), Json(text.Get), WellFormed(text.Get), t),
            new ChildWorkflowFailed(sequence, WellFormed(text.Get), WellFormed(text.Get), t),
            new WorkflowCancelled(WellFormed(text.Get), t),
        ];
        return events.All(e => HistoryEventCodec.Decode(HistoryEventCodec.Encode(e), HistoryEventCodec.ManifestOf(e)).Equals(e));
    }

    [Property(MaxTest = 100)]
    public bool Replay_should_reproduce_any_completion_order_of_a_race(bool doubleFirst, int input)
    {
        var h = new EngineHarness(Registries.All());
        var live = h.RunLive(h.Started("Racing", (input % 1000).ToString()), pickNext: inFlight => doubleFirst ? inFlight[^1] : inFlight[0]);
        return live.Outcome is CompletedOutcome && h.Replay(h.History).Outcome == live.Outcome;
    }

    [Property(MaxTest = 100)]
    public bool Replay_of_any_prefix_should_ask_only_for_the_steps_not_yet_journaled(PositiveInt cut)
    {
        var h = new EngineHarness(Registries.All());
        h.RunLive(h.Started("Sequential", """{"a":1,"b":2}"""));
        var prefix = h.History.Take(1 + cut.Get % h.History.Count).ToList();
        var replay = h.Replay(prefix);
        var scheduled = prefix.OfType<ActivityScheduled>().Select(s => s.Sequence).ToHashSet();
        return replay.Outcome is not SuspendedOutcome && replay.TakeNewCommands().All(c => !scheduled.Contains(c.Sequence));
    }
}
