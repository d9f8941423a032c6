using System.Runtime.ExceptionServices;
using Akka.Actor;
using Steadfast.Runtime;
using static Steadfast.Actors.ActivityProtocol;

namespace Steadfast.Actors;

/// <summary>
/// Runs one attempt of an activity off the actor's thread and pipes the outcome back. A failure is thrown
/// from the actor so that the parent's supervisor strategy sees it; a timeout cancels the attempt's token.
/// </summary>
internal sealed class ActivityAttemptActor : ReceiveActor, IWithTimers
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Step _step;
    private readonly ActivityRegistration _activity;
    private readonly IServiceProvider _services;
    private readonly ActivityExecutionContext _context;

    public ActivityAttemptActor(Step step, int attempt, ActivityRegistration activity, IServiceProvider services, int maxPayloadBytes)
    {
        _step = step;
        _activity = activity;
        _services = services;
        var scheduled = step.Scheduled;
        _context = new ActivityExecutionContext(step.WorkflowId, scheduled.ActivityName, scheduled.Sequence, attempt, _cancellation.Token);

        Receive<AttemptSucceeded>(result =>
        {
            PayloadCodec.CheckSize(result.ResultJson, maxPayloadBytes, $"Result of activity '{scheduled.ActivityName}'");
            Context.Parent.Tell(result);
            Context.Stop(Self);
        });
        Receive<AttemptErrored>(failed => ExceptionDispatchInfo.Capture(Unwrap(failed.Error)).Throw());
        Receive<AttemptTimedOut>(_ =>
        {
            _cancellation.Cancel();
            throw new TimeoutException($"Attempt {attempt} of activity '{scheduled.ActivityName}' exceeded its timeout of {scheduled.AttemptTimeout}.");
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Step step, int attempt, ActivityRegistration activity, IServiceProvider services, int maxPayloadBytes) =>
        Akka.Actor.Props.Create(() => new ActivityAttemptActor(step, attempt, activity, services, maxPayloadBytes));

    protected override void PreStart()
    {
        if (_step.Scheduled.AttemptTimeout is { } timeout) Timers.StartSingleTimer("timeout", AttemptTimedOut.Instance, timeout);
        var (activity, services, input, context) = (_activity, _services, _step.Scheduled.InputJson, _context);
        // Task.Run: the activity's synchronous prefix must not run on this actor's thread.
        Task.Run(() => activity.InvokeAsync(services, input, context), _cancellation.Token)
            .PipeTo(Self, success: r => new AttemptSucceeded(r), failure: e => new AttemptErrored(e));
    }

    protected override void PostStop()
    {
        _cancellation.Cancel();
        _cancellation.Dispose();
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;
}
