using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Steadfast.Runtime;
using Steadfast.Runtime.History;
using static Steadfast.Actors.ActivityProtocol;

namespace Steadfast.Actors.Tests;

/// <summary>The runner's backoff on virtual time: no test waits for a real retry interval.</summary>
public sealed class ActivityRunnerSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(
    """akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """), "runner")
{
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private IActorRef Run(string workflowId, RetryPolicy policy, int failuresBeforeSuccess, int firstAttempt = 1)
    {
        var registry = TestRegistry.Create();
        registry.TryGetActivity("Flaky", out var flaky);
        var scheduled = new ActivityScheduled(1, "Flaky", $$"""{"value":7,"failuresBeforeSuccess":{{failuresBeforeSuccess}}}""", policy, null, DateTimeOffset.UtcNow);
        return ChildActorOf(ActivityRunnerActor.Props(new Step(workflowId, scheduled), firstAttempt, flaky, SqliteJournal.Services(), 1 << 20));
    }

    [Fact]
    public void Failed_attempts_should_be_retried_after_the_policy_backoff()
    {
        var id = $"runner-{Guid.NewGuid():N}";
        Run(id, RetryPolicy.Exponential(5, TimeSpan.FromSeconds(10), 3, TimeSpan.FromMinutes(1)), failuresBeforeSuccess: 2);

        var first = ExpectMsg<AttemptFailed>();
        Assert.Equal((1, TimeSpan.FromSeconds(10)), (first.Attempt, first.RetryDelay));
        LastSender.Tell(new AttemptFailureJournaled(1));
        Scheduler.Advance(TimeSpan.FromSeconds(9));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, Ledger.RunsOf(id, 1)); // no second attempt before the backoff elapsed

        Scheduler.Advance(TimeSpan.FromSeconds(1));
        var second = ExpectMsg<AttemptFailed>();
        Assert.Equal((2, TimeSpan.FromSeconds(30)), (second.Attempt, second.RetryDelay));
        LastSender.Tell(new AttemptFailureJournaled(2));

        Scheduler.Advance(TimeSpan.FromSeconds(30));
        var done = ExpectMsg<Succeeded>();
        Assert.Equal(("70", 3), (done.ResultJson, done.Attempt));
    }

    [Fact]
    public void Exhausted_attempts_should_give_up_with_the_last_error()
    {
        var id = $"runner-{Guid.NewGuid():N}";
        Run(id, RetryPolicy.Exponential(2, TimeSpan.FromSeconds(1)), failuresBeforeSuccess: 10);

        ExpectMsg<AttemptFailed>();
        LastSender.Tell(new AttemptFailureJournaled(1));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        var gaveUp = ExpectMsg<GaveUp>();

        Assert.Equal(("System.IO.IOException", 2), (gaveUp.ErrorType, gaveUp.Attempts));
        Assert.Contains("attempt 2", gaveUp.ErrorMessage);
    }

    [Fact]
    public void Next_attempt_should_wait_until_the_failure_is_journaled()
    {
        var id = $"runner-{Guid.NewGuid():N}";
        Run(id, RetryPolicy.Exponential(5, TimeSpan.FromSeconds(1)), failuresBeforeSuccess: 1);

        var failed = ExpectMsg<AttemptFailed>();
        var runner = LastSender;
        Scheduler.Advance(TimeSpan.FromMinutes(5)); // far past the backoff, but the workflow has not journaled the failure
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, Ledger.RunsOf(id, 1));

        runner.Tell(new AttemptFailureJournaled(failed.Attempt));
        Assert.Equal(2, ExpectMsg<Succeeded>().Attempt);
        Assert.Equal((1, 1), (Ledger.RunsOf(id, 1, 1), Ledger.RunsOf(id, 1, 2)));
    }

    [Fact]
    public void Non_retryable_type_in_the_policy_should_give_up_at_once()
    {
        Run($"runner-{Guid.NewGuid():N}", RetryPolicy.Exponential(5, nonRetryable: typeof(IOException)), failuresBeforeSuccess: 1);

        Assert.Equal(1, ExpectMsg<GaveUp>().Attempts);
    }

    [Fact]
    public void Runner_resumed_after_a_crash_should_continue_from_the_next_attempt()
    {
        var id = $"runner-{Guid.NewGuid():N}";
        Run(id, RetryPolicy.Exponential(5, TimeSpan.FromSeconds(1)), failuresBeforeSuccess: 2, firstAttempt: 3);

        Assert.Equal(3, ExpectMsg<Succeeded>().Attempt);
    }
}
