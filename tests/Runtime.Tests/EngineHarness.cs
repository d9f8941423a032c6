using Steadfast.Runtime.History;
using Steadfast.Runtime.Replay;

namespace Steadfast.Runtime.Tests;

/// <summary>Drives the engine the way the execution actor does, with activities run in-process.</summary>
internal sealed class EngineHarness(SteadfastRegistry registry)
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private DateTimeOffset _clock = T0;

    public List<HistoryEvent> History { get; } = [];

    public WorkflowStarted Started(string type, string inputJson, string id = "wf-1") =>
        new(id, type, inputJson, RandomSeed: 42, T0);

    /// <summary>Runs live to the end; <paramref name="pickNext"/> chooses which in-flight step completes next (FIFO when null).</summary>
    public WorkflowExecution RunLive(WorkflowStarted started, Func<IReadOnlyList<ScheduleActivity>, ScheduleActivity>? pickNext = null,
        Func<ScheduleActivity, HistoryEvent?>? outcomeOf = null)
    {
        History.Add(started);
        var engine = new WorkflowExecution(registry, started);
        engine.Start();
        var inFlight = new List<ScheduleActivity>();
        while (true)
        {
            foreach (var c in engine.TakeNewCommands().Cast<ScheduleActivity>())
            {
                History.Add(new ActivityScheduled(c.Sequence, c.ActivityName, c.InputJson, c.RetryPolicy, c.AttemptTimeout, Tick()));
                inFlight.Add(c);
            }
            if (engine.Outcome != WorkflowOutcome.Running || inFlight.Count == 0) return engine;
            var next = pickNext?.Invoke(inFlight) ?? inFlight[0];
            inFlight.Remove(next);
            var evt = outcomeOf?.Invoke(next) ?? Execute(next);
            History.Add(evt);
            engine.Apply(evt);
        }
    }

    /// <summary>A fresh engine fed with <paramref name="history"/>, as after a restart.</summary>
    public WorkflowExecution Replay(IReadOnlyList<HistoryEvent> history, SteadfastRegistry? withRegistry = null)
    {
        var engine = new WorkflowExecution(withRegistry ?? registry, (WorkflowStarted)history[0]);
        engine.Start();
        foreach (var e in history.Skip(1)) engine.Apply(e);
        return engine;
    }

    public DateTimeOffset Tick() => _clock = _clock.AddSeconds(1);

    private HistoryEvent Execute(ScheduleActivity c)
    {
        registry.TryGetActivity(c.ActivityName, out var activity);
        var result = activity.InvokeAsync(new EmptyServices(), c.InputJson, new ActivityExecutionContext("wf-1", c.ActivityName, c.Sequence, 1, default)).Result;
        return new ActivityCompleted(c.Sequence, result, 1, Tick());
    }

    private sealed class EmptyServices : IServiceProvider, Microsoft.Extensions.DependencyInjection.IServiceScopeFactory, Microsoft.Extensions.DependencyInjection.IServiceScope
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory) ? this : null;
        public Microsoft.Extensions.DependencyInjection.IServiceScope CreateScope() => this;
        public IServiceProvider ServiceProvider => this;
        public void Dispose() { }
    }
}
