using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Runtime.Tests;

/// <summary>Timers, signals, children and cancellation in the engine, driven event by event as the actor does.</summary>
public sealed class PrimitivesEngineSpec
{
    private static readonly DateTimeOffset T0 = EngineHarness.T0;
    private readonly List<HistoryEvent> _history = [];

    private WorkflowExecution Start(string type, string input)
    {
        var started = new WorkflowStarted("wf-1", type, input, 7, T0);
        _history.Add(started);
        var engine = new WorkflowExecution(Registries.All(), started);
        engine.Start();
        return engine;
    }

    private List<WorkflowCommand> Record(WorkflowExecution engine, DateTimeOffset at)
    {
        var commands = engine.TakeNewCommands().ToList();
        foreach (var c in commands)
            _history.Add(c switch
            {
                ScheduleActivity a => new ActivityScheduled(a.Sequence, a.ActivityName, a.InputJson, a.RetryPolicy, a.AttemptTimeout, at),
                StartTimer t => new TimerStarted(t.Sequence, t.FireAt, at),
                StartChildWorkflow ch => new ChildWorkflowStarted(ch.Sequence, ch.ChildId, ch.WorkflowType, ch.InputJson, at),
                _ => throw new InvalidOperationException(),
            });
        return commands;
    }

    private void Apply(WorkflowExecution engine, HistoryEvent e)
    {
        _history.Add(e);
        engine.Apply(e);
    }

    private WorkflowOutcome Replayed()
    {
        var engine = new WorkflowExecution(Registries.All(), (WorkflowStarted)_history[0]);
        engine.Start();
        foreach (var e in _history.Skip(1)) engine.Apply(e);
        Assert.Empty(engine.TakeNewCommands());
        return engine.Outcome;
    }

    [Fact]
    public void Sleep_should_journal_its_due_time_from_workflow_time_and_resume_when_fired()
    {
        var engine = Start("SleepThenAdd", "4");

        var timer = Assert.IsType<StartTimer>(Assert.Single(Record(engine, T0)));
        Assert.Equal(T0.AddMinutes(10), timer.FireAt);
        Apply(engine, new TimerFired(1, T0.AddMinutes(10)));
        var call = Assert.IsType<ScheduleActivity>(Assert.Single(Record(engine, T0.AddMinutes(10))));
        Apply(engine, new ActivityCompleted(call.Sequence, "5", 1, T0.AddMinutes(10)));

        Assert.Equal(new CompletedOutcome("5"), engine.Outcome);
        Assert.Equal(engine.Outcome, Replayed());
    }

    [Theory]
    [InlineData(true, "\"done 2\"")]
    [InlineData(false, "\"timed out\"")]
    public void Race_between_activity_and_timer_should_follow_the_journal_order(bool activityFirst, string expected)
    {
        var engine = Start("ActivityWithDeadline", "1");
        Record(engine, T0);
        if (activityFirst) Apply(engine, new ActivityCompleted(1, "2", 1, T0.AddSeconds(1)));
        else Apply(engine, new TimerFired(2, T0.AddSeconds(30)));

        Assert.Equal(new CompletedOutcome(expected), engine.Outcome);
        Assert.Equal(engine.Outcome, Replayed());
    }

    [Fact]
    public void Signals_arriving_before_the_wait_should_be_buffered_and_delivered_in_arrival_order()
    {
        var engine = Start("Approval", "0");
        Apply(engine, new SignalReceived("approve", "\"ann\"", null, T0.AddSeconds(1))); // early, other name: kept
        Apply(engine, new SignalReceived("item", "\"a\"", null, T0.AddSeconds(2)));
        Apply(engine, new SignalReceived("item", "\"b\"", null, T0.AddSeconds(3)));
        Assert.Equal(["item"], engine.WaitingForSignals);
        Apply(engine, new SignalReceived("item", "\"c\"", null, T0.AddSeconds(4)));

        Assert.Equal(new CompletedOutcome("\"a,b,c|ann\""), engine.Outcome);
        Assert.Empty(Record(engine, T0)); // the buffered approve made the timeout timer unnecessary
        Assert.Equal(engine.Outcome, Replayed());
    }

    [Fact]
    public void Signal_wait_that_times_out_should_leave_later_signals_for_later_waits()
    {
        var engine = Start("Approval", "0");
        foreach (var (item, i) in new[] { "a", "b", "c" }.Select((x, i) => (x, i)))
            Apply(engine, new SignalReceived("item", $"\"{item}\"", null, T0.AddSeconds(i)));
        var timer = Assert.IsType<StartTimer>(Assert.Single(Record(engine, T0.AddSeconds(3))));
        Assert.Equal(T0.AddSeconds(2).AddHours(1), timer.FireAt); // from workflow time: the last signal's timestamp

        Apply(engine, new TimerFired(timer.Sequence, timer.FireAt));

        Assert.Equal(new CompletedOutcome("\"a,b,c|no answer\""), engine.Outcome);
        Assert.Empty(engine.WaitingForSignals);
        Assert.Equal(engine.Outcome, Replayed());
    }

    [Fact]
    public void Child_workflows_should_get_derived_or_given_ids_and_deliver_results_and_failures()
    {
        var engine = Start("Parent", "3");
        var first = Assert.IsType<StartChildWorkflow>(Assert.Single(Record(engine, T0)));
        Assert.Equal(("wf-1.1", "SleepThenAdd", "3"), (first.ChildId, first.WorkflowType, first.InputJson));

        Apply(engine, new ChildWorkflowCompleted(1, "4", T0.AddSeconds(5)));
        var second = Assert.IsType<StartChildWorkflow>(Assert.Single(Record(engine, T0.AddSeconds(5))));
        Assert.Equal(("custom-child", "Throwing"), (second.ChildId, second.WorkflowType));
        Apply(engine, new ChildWorkflowFailed(2, "System.InvalidOperationException", "boom 3", T0.AddSeconds(6)));

        Assert.Equal(new CompletedOutcome("400"), engine.Outcome);
        Assert.Equal(engine.Outcome, Replayed());
    }

    [Fact]
    public void Cancellation_should_fail_pending_calls_allow_compensation_and_end_cancelled()
    {
        var engine = Start("Compensated", "6");
        Record(engine, T0);

        Apply(engine, new WorkflowCancelRequested("user asked", T0.AddSeconds(1)));
        var undo = Assert.IsType<ScheduleActivity>(Assert.Single(Record(engine, T0.AddSeconds(1))));
        Assert.Equal(("Double", "6"), (undo.ActivityName, undo.InputJson));
        Assert.Equal(WorkflowOutcome.Running, engine.Outcome);
        Apply(engine, new ActivityCompleted(1, "7", 1, T0.AddSeconds(2))); // a late result of the cancelled step changes nothing
        Apply(engine, new ActivityCompleted(undo.Sequence, "12", 1, T0.AddSeconds(2)));

        Assert.Equal(new CancelledOutcome("user asked"), engine.Outcome);
        Assert.Equal(engine.Outcome, Replayed());
    }

    [Fact]
    public void Timer_in_history_where_the_code_now_calls_an_activity_should_be_a_divergence()
    {
        var engine = Start("SleepThenAdd", "4");
        Record(engine, T0);
        var history = _history.ToList();
        history[1] = new ActivityScheduled(1, "AddOne", "4", RetryPolicy.Default, null, T0);

        var replay = new WorkflowExecution(Registries.All(), (WorkflowStarted)history[0]);
        replay.Start();
        replay.Apply(history[1]);

        var suspended = Assert.IsType<SuspendedOutcome>(replay.Outcome);
        Assert.Equal(1, suspended.Divergence.Sequence);
        Assert.Contains("StartTimer due", suspended.Divergence.Actual);
    }
}
