using System.Text;
using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Runtime.Tests;

/// <summary>The author's replay check: a history saved as JSON, replayed against the same and against changed code.</summary>
public sealed class WorkflowReplayerSpec
{
    private readonly EngineHarness _h = new(Registries.All());

    [Fact]
    public void Saved_history_should_round_trip_and_replay_to_the_same_result()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));
        _h.History.Add(new WorkflowCompleted("110", EngineHarness.T0));

        var saved = SavedHistory.ToJson(_h.History);
        var outcome = WorkflowReplayer.ReplaySaved(Registries.All(), saved);

        Assert.Equal(saved, SavedHistory.ToJson(SavedHistory.FromJson(saved))); // (records with list fields do not compare by value)
        Assert.Equal(_h.History.Select(e => e.GetType()), SavedHistory.FromJson(saved).Select(e => e.GetType()));
        Assert.StartsWith("""[{"m":"WorkflowStarted.v1","e":{""", Encoding.UTF8.GetString(saved));
        Assert.Equal(new CompletedOutcome("110"), outcome);
    }

    [Fact]
    public void Changed_code_should_replay_to_a_divergence_naming_the_step()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));
        var changed = _h.History.Select(e => e is WorkflowStarted s ? s with { WorkflowType = "SequentialChanged" } : e).ToList();

        var outcome = WorkflowReplayer.ReplaySaved(Registries.All(), SavedHistory.ToJson(changed));

        var suspended = Assert.IsType<SuspendedOutcome>(outcome);
        Assert.StartsWith("Nondeterminism at step 1: expected ScheduleActivity 'AddOne'", suspended.Divergence.Message);
    }

    [Fact]
    public void Unusable_inputs_should_be_specific_errors()
    {
        var notAHistory = Assert.Throws<ArgumentException>(() => WorkflowReplayer.Replay(Registries.All(), []));
        var unknownType = Assert.Throws<ArgumentException>(() =>
            WorkflowReplayer.Replay(Registries.All(), [_h.Started("NoSuchWorkflow", "1")]));
        var notJson = Assert.ThrowsAny<System.Text.Json.JsonException>(() => WorkflowReplayer.ReplaySaved(Registries.All(), "{}"u8));

        Assert.StartsWith("A workflow history starts with its WorkflowStarted event.", notAHistory.Message);
        Assert.StartsWith("The workflow code has no workflow named 'NoSuchWorkflow'", unknownType.Message);
        Assert.Contains("JSON array", notJson.Message);
    }
}
