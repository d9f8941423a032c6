using Akka.Actor;
using Akka.Event;
using Steadfast.Runtime;
using static Steadfast.Actors.ActivityProtocol;

namespace Steadfast.Actors;

/// <summary>
/// Supervises the attempts of one activity step. Each attempt is a child; when it fails, this actor's
/// supervisor strategy stops it and the retry policy decides: report the failed attempt and start the next once
/// the backoff has elapsed and the workflow has journaled the failure (so attempts of a step never overlap), or give up (non-retryable error, attempts exhausted). Reports go to the parent
/// workflow, which journals them.
/// </summary>
internal sealed class ActivityRunnerActor : ReceiveActor, IWithTimers
{
    private readonly Step _step;
    private readonly ActivityRegistration? _activity;
    private readonly IServiceProvider _services;
    private readonly int _maxPayloadBytes;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _attempt;
    private Exception? _lastFailure;
    private bool _backoffElapsed;
    private bool _failureJournaled;

    public ActivityRunnerActor(Step step, int firstAttempt, ActivityRegistration? activity, IServiceProvider services, int maxPayloadBytes)
    {
        _step = step;
        _activity = activity;
        _services = services;
        _maxPayloadBytes = maxPayloadBytes;
        _attempt = firstAttempt - 1;

        Receive<BackoffElapsed>(_ =>
        {
            _backoffElapsed = true;
            RetryWhenDue();
        });
        Receive<AttemptSucceeded>(ok =>
        {
            Context.Parent.Tell(new Succeeded(Scheduled.Sequence, ok.ResultJson, _attempt));
            Context.Stop(Self);
        });
        Receive<Terminated>(_ => AfterFailure());
        Receive<AttemptFailureJournaled>(j => j.Attempt == _attempt, _ =>
        {
            _failureJournaled = true;
            RetryWhenDue();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private Runtime.History.ActivityScheduled Scheduled => _step.Scheduled;

    public static Props Props(Step step, int firstAttempt, ActivityRegistration? activity, IServiceProvider services, int maxPayloadBytes) =>
        Akka.Actor.Props.Create(() => new ActivityRunnerActor(step, firstAttempt, activity, services, maxPayloadBytes));

    protected override void PreStart()
    {
        if (_activity is null)
        {
            GiveUp("Steadfast.ActivityNotRegistered", $"No activity is registered under the name '{Scheduled.ActivityName}'.", 0);
            return;
        }
        Begin(_attempt + 1);
    }

    // Every attempt failure stops the attempt; the decision to retry is taken once it has stopped.
    // Akka's own failure log is off: AfterFailure logs one line per attempt instead of a stack trace.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        _lastFailure = e;
        return Directive.Stop;
    }, loggingEnabled: false);

    private void Begin(int attempt)
    {
        _attempt = attempt;
        _lastFailure = null;
        var child = Context.ActorOf(ActivityAttemptActor.Props(_step, attempt, _activity!, _services, _maxPayloadBytes), $"attempt-{attempt}");
        Context.Watch(child);
    }

    private void AfterFailure()
    {
        if (_lastFailure is not { } error) return; // the attempt stopped after success
        var type = error.GetType().FullName ?? error.GetType().Name;
        var policy = Scheduled.RetryPolicy;
        if (error is NonRetryableException or PayloadException || policy.IsNonRetryable(type))
        {
            GiveUp(type, error.Message, _attempt);
            return;
        }
        if (_attempt >= policy.MaximumAttempts)
        {
            GiveUp(type, error.Message, _attempt);
            return;
        }
        var delay = policy.DelayAfterAttempt(_attempt);
        _log.Info($"Activity {Scheduled.ActivityName} step {Scheduled.Sequence} of {_step.WorkflowId}: attempt {_attempt} failed ({type}: {error.Message}); retrying in {delay}");
        (_backoffElapsed, _failureJournaled) = (false, false);
        Timers.StartSingleTimer("retry", BackoffElapsed.Instance, delay); // the backoff runs while the failure is written
        Context.Parent.Tell(new AttemptFailed(Scheduled.Sequence, _attempt, type, error.Message, delay));
    }

    /// <summary>The next attempt starts when its backoff has elapsed and the workflow has journaled the failure, whichever is later.</summary>
    private void RetryWhenDue()
    {
        if (_backoffElapsed && _failureJournaled) Begin(_attempt + 1);
    }

    private void GiveUp(string errorType, string message, int attempts)
    {
        Context.Parent.Tell(new GaveUp(Scheduled.Sequence, errorType, message, attempts));
        Context.Stop(Self);
    }
}
