using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Runtime.Tests;

public sealed class ReplayEngineSpec
{
    private readonly EngineHarness _h = new(Registries.All());

    [Fact]
    public void Live_run_should_number_calls_and_complete_with_result()
    {
        var engine = _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));

        Assert.Equal(new CompletedOutcome("110"), engine.Outcome); // (4+1)*2 + 100
        var scheduled = _h.History.OfType<ActivityScheduled>().ToList();
        Assert.Equal([1, 2], scheduled.Select(s => s.Sequence));
        Assert.Equal(["AddOne", "Double"], scheduled.Select(s => s.ActivityName));
        Assert.Equal(["4", "5"], scheduled.Select(s => s.InputJson));
    }

    [Fact]
    public void Replay_of_full_history_should_complete_without_new_commands()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));

        var replayed = _h.Replay(_h.History);

        Assert.Equal(new CompletedOutcome("110"), replayed.Outcome);
        Assert.Empty(replayed.TakeNewCommands());
    }

    [Fact]
    public void Replay_of_partial_history_should_wait_on_the_in_flight_step_and_emit_only_new_calls()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));
        var uptoFirstResult = _h.History.Take(3).ToList(); // Started, Scheduled#1, Completed#1

        var replayed = _h.Replay(uptoFirstResult);

        Assert.Equal(WorkflowOutcome.Running, replayed.Outcome);
        var next = Assert.Single(replayed.TakeNewCommands());
        Assert.Equal(new ScheduleActivity(2, "Double", "5", RetryPolicy.Default, null, next.Source), next);
    }

    [Fact]
    public void Replay_with_scheduled_but_unfinished_step_should_emit_nothing_new()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));

        var replayed = _h.Replay(_h.History.Take(4).ToList()); // ... Scheduled#2 in flight

        Assert.Equal(WorkflowOutcome.Running, replayed.Outcome);
        Assert.Empty(replayed.TakeNewCommands());
    }

    [Fact]
    public void Changed_activity_at_a_step_should_be_reported_with_step_expected_and_actual()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));
        var history = Retype(_h.History, "SequentialChanged");

        var replayed = _h.Replay(history);

        var suspended = Assert.IsType<SuspendedOutcome>(replayed.Outcome);
        Assert.Equal(1, suspended.Divergence.Sequence);
        Assert.Contains("ScheduleActivity 'AddOne' input 4", suspended.Divergence.Expected);
        Assert.Contains("ScheduleActivity 'Double' input 4", suspended.Divergence.Actual);
        Assert.Matches(@"TestWorkflows\.cs:\d+", suspended.Divergence.Source);
        Assert.StartsWith("Nondeterminism at step 1: expected ScheduleActivity 'AddOne'", suspended.Divergence.Message);
    }

    [Fact]
    public void Changed_activity_input_should_be_a_divergence()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));
        var history = _h.History.ToList();
        var s = (ActivityScheduled)history[1];
        history[1] = s with { InputJson = "7" };

        var suspended = Assert.IsType<SuspendedOutcome>(_h.Replay(history).Outcome);

        Assert.Equal(1, suspended.Divergence.Sequence);
        Assert.Contains("input 7", suspended.Divergence.Expected);
        Assert.Contains("input 4", suspended.Divergence.Actual);
    }

    [Fact]
    public void History_left_unconsumed_after_the_code_completed_should_be_a_divergence()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));
        var history = _h.History.Where(e => e is not WorkflowCompleted).ToList();
        history.Add(new ActivityScheduled(3, "AddOne", "1", RetryPolicy.Default, null, _h.Tick()));

        var suspended = Assert.IsType<SuspendedOutcome>(_h.Replay(history).Outcome);

        Assert.Equal(3, suspended.Divergence.Sequence);
        Assert.Contains("the code made no call at this step (it completed with 110)", suspended.Divergence.Actual);
    }

    [Fact]
    public void Result_for_a_step_the_code_never_called_should_be_a_divergence()
    {
        var history = new List<HistoryEvent>
        {
            _h.Started("Sequential", """{"a":4,"b":100}"""),
            new ActivityScheduled(1, "AddOne", "4", RetryPolicy.Default, null, _h.Tick()),
            new ActivityCompleted(9, "5", 1, _h.Tick()),
        };

        var suspended = Assert.IsType<SuspendedOutcome>(_h.Replay(history).Outcome);

        Assert.Equal(9, suspended.Divergence.Sequence);
        Assert.Contains("waits on step(s) 1", suspended.Divergence.Actual);
    }

    [Fact]
    public void Different_final_result_should_be_a_divergence()
    {
        _h.RunLive(_h.Started("Sequential", """{"a":4,"b":100}"""));
        var history = _h.History.ToList();
        history.Add(new WorkflowCompleted("999", _h.Tick()));

        var suspended = Assert.IsType<SuspendedOutcome>(_h.Replay(history).Outcome);

        Assert.Contains("complete with 999", suspended.Divergence.Expected);
        Assert.Contains("completed with 110", suspended.Divergence.Actual);
    }

    [Fact]
    public void Completion_order_should_be_replayed_from_the_journal()
    {
        var engine = _h.RunLive(_h.Started("Racing", "10"), pickNext: inFlight => inFlight[^1]); // Double finishes first

        var live = Assert.IsType<CompletedOutcome>(engine.Outcome).ResultJson;
        Assert.StartsWith("\"b:11:20:", live);
        Assert.Equal(live, Assert.IsType<CompletedOutcome>(_h.Replay(_h.History).Outcome).ResultJson);
    }

    [Fact]
    public void Clock_guids_and_random_should_replay_identically_and_time_should_follow_the_journal()
    {
        var live = Assert.IsType<CompletedOutcome>(_h.RunLive(_h.Started("Drawing", "1")).Outcome).ResultJson;
        var replayed = Assert.IsType<CompletedOutcome>(_h.Replay(_h.History).Outcome).ResultJson;

        Assert.Equal(live, replayed);
        var parts = System.Text.Json.JsonSerializer.Deserialize<string>(live)!.Split('|');
        Assert.Equal(EngineHarness.T0, DateTimeOffset.Parse(parts[2]));
        Assert.Equal(((ActivityCompleted)_h.History[2]).Timestamp, DateTimeOffset.Parse(parts[3]));
        Assert.NotEqual(parts[0], parts[4]);
    }

    [Fact]
    public void Failed_activity_should_surface_as_catchable_exception()
    {
        var engine = _h.RunLive(_h.Started("Compensating", "3"),
            outcomeOf: c => c.Sequence == 1 ? new ActivityFailed(1, "System.TimeoutException", "slow", 1, _h.Tick()) : null);

        Assert.Equal(new CompletedOutcome("\"compensated -6 after System.TimeoutException\""), engine.Outcome);
        Assert.Equal(engine.Outcome, _h.Replay(_h.History).Outcome);
    }

    [Fact]
    public void Workflow_exception_should_fail_the_workflow_with_type_and_message()
    {
        var engine = _h.RunLive(_h.Started("Throwing", "7"));

        Assert.Equal(new FailedOutcome("System.InvalidOperationException", "boom 7"), engine.Outcome);
    }

    [Fact]
    public void Awaiting_Task_Delay_should_suspend_with_a_rule_violation()
    {
        var engine = new WorkflowExecution(Registries.All(), _h.Started("Sleepy", "1"));
        var detected = new ManualResetEventSlim();
        engine.ForeignWorkDetected = detected.Set;

        engine.Start();

        var suspended = Assert.IsType<SuspendedOutcome>(engine.Outcome);
        Assert.Contains("Task.Delay", suspended.Divergence.Actual);
    }

    [Fact]
    public void Calling_the_context_from_Task_Run_should_suspend_with_a_rule_violation()
    {
        var engine = new WorkflowExecution(Registries.All(), _h.Started("Escaping", "1"));
        var detected = new ManualResetEventSlim();
        engine.ForeignWorkDetected = detected.Set;

        engine.Start();
        Assert.True(detected.Wait(TimeSpan.FromSeconds(10)), "the escape was not detected");
        engine.Refresh();

        var suspended = Assert.IsType<SuspendedOutcome>(engine.Outcome);
        Assert.Contains("Task.Run", suspended.Divergence.Actual); // either escape report names it
    }

    [Fact]
    public void Oversized_activity_input_should_fail_the_workflow_with_the_limit()
    {
        var engine = new WorkflowExecution(Registries.All(), _h.Started("Oversized", "2000"), maxPayloadBytes: 1000);
        engine.Start();

        var failed = Assert.IsType<FailedOutcome>(engine.Outcome);
        Assert.Equal(typeof(PayloadException).FullName, failed.ErrorType);
        Assert.Contains("over the limit of 1000 bytes", failed.ErrorMessage);
        Assert.Empty(engine.TakeNewCommands());
    }

    [Fact]
    public void Malformed_input_should_fail_the_workflow_with_a_payload_error()
    {
        var engine = new WorkflowExecution(Registries.All(), _h.Started("Sequential", """{"a":"not a number"}"""));
        engine.Start();

        var failed = Assert.IsType<FailedOutcome>(engine.Outcome);
        Assert.Equal(typeof(PayloadException).FullName, failed.ErrorType);
        Assert.Contains("Numbers", failed.ErrorMessage);
    }

    [Fact]
    public void Unregistered_workflow_type_should_be_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new WorkflowExecution(Registries.All(), _h.Started("Nope", "1")));
        Assert.Contains("'Nope' is not registered", e.Message);
    }

    private static List<HistoryEvent> Retype(IEnumerable<HistoryEvent> history, string type) =>
        history.Select(e => e is WorkflowStarted s ? s with { WorkflowType = type } : e).ToList();
}
