using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Steadfast.Runtime;
using Xunit.Abstractions;

namespace Steadfast.Actors.Tests;

/// <summary>
/// Hundreds of workflows at once, crash-free, with seeded random timing: fan-out, signals that arrive while a step
/// runs, durable sleeps that passivate and wake, retries, cancellations with compensation, children, status polls and
/// waits racing passivation. What the user sees is checked, not only the journal: each (step, attempt) executed
/// exactly once (a ledger outside the journal), exactly one terminal event per workflow, every request answered
/// exactly once. CI runs the fixed seed; <c>scripts/stress.sh</c> runs random seeds and larger sizes
/// (<c>STEADFAST_STRESS_SEED</c>, <c>STEADFAST_STRESS_WORKFLOWS</c>).
/// </summary>
public sealed class ConcurrencyStressSpec(ITestOutputHelper output) : IDisposable
{
    private const int DefaultSeed = 20261202;
    private const int DefaultWorkflows = 300;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private readonly SqliteJournal _journal = new();

    private static readonly string[] Kinds =
        ["StressFanOut", "StressSignalMidStep", "StressSleepThenSignal", "StressRetries", "StressCancellable", "StressParent"];

    [Fact]
    public async Task Mixed_concurrent_load_should_execute_each_attempt_once_end_each_workflow_once_and_answer_every_request_once()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("STEADFAST_STRESS_SEED"), out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("STEADFAST_STRESS_WORKFLOWS"), out var n) ? n : DefaultWorkflows;
        output.WriteLine($"seed {seed}, {count} workflows");

        // Passivation after 50 ms of quiet makes requests meet stopping actors all the time; three activity slots per
        // workflow make the fan-outs queue.
        await using var host = _journal.StartHost(TestRegistry.Create(), "stress", ConfigurationFactory.ParseString("""
            steadfast.passivate-after = 50ms
            steadfast.max-concurrent-activities = 3
            """));
        var replies = new Replies(host.System);
        var client = new WorkflowClient(host.Router, RequestTimeout);
        var prefix = $"s{seed}-{Guid.NewGuid().ToString("N")[..6]}";
        var clock = Stopwatch.StartNew();

        var drivers = Enumerable.Range(0, count).Select(i => Drive(client, replies, $"{prefix}-{i}", Kinds[i % Kinds.Length], new Random(HashCode.Combine(seed, i))));
        var outcomes = await Task.WhenAll(drivers);
        output.WriteLine($"{count} workflows, {replies.Sent} requests, settled in {clock.Elapsed.TotalSeconds:F1} s");

        // Every request answered exactly once: none timed out, none answered twice (a second answer reaches no asker and
        // lands in the dead letters).
        await Task.Delay(200); // a late second answer would come within this
        Assert.True(replies.Unanswered.IsEmpty, $"{replies.Unanswered.Count} request(s) never answered, e.g. {string.Join("; ", replies.Unanswered.Take(5))}");
        Assert.True(replies.DeadLettered.IsEmpty, $"{replies.DeadLettered.Count} answer(s) reached no asker, e.g. {string.Join("; ", replies.DeadLettered.Take(5))}");

        // Each workflow ended as its plan says.
        var wrong = outcomes.Where(o => o.Problem is not null).Select(o => $"{o.Id} ({o.Kind}): {o.Problem}").ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} workflow(s) ended wrongly, e.g. {string.Join("; ", wrong.Take(5))}");

        // Exactly one terminal event each (children included).
        var ids = outcomes.Select(o => o.Id).ToHashSet();
        var allIds = ids.Concat(outcomes.Where(o => o.Kind == "StressParent").SelectMany(o => new[] { $"{o.Id}.1", $"{o.Id}.2" })).ToHashSet();
        var terminals = _journal.Rows().Where(r => r.Manifest is "WorkflowCompleted.v1" or "WorkflowFailed.v1" or "WorkflowCancelled.v1")
            .GroupBy(r => r.PersistenceId).ToDictionary(g => g.Key, g => g.Count());
        var badTerminals = allIds.Where(id => terminals.GetValueOrDefault("workflow-" + id) != 1)
            .Select(id => $"{id}: {terminals.GetValueOrDefault("workflow-" + id)}").ToList();
        Assert.True(badTerminals.Count == 0, $"{badTerminals.Count} workflow(s) without exactly one terminal event: {string.Join(", ", badTerminals.Take(5))}");

        // Each (step, attempt) executed exactly once: nothing crashed.
        var executions = Ledger.Of(allIds);
        var repeated = Ledger.Repeated(allIds);
        output.WriteLine($"{executions.Count} (step, attempt) pairs, {executions.Values.Sum()} executions, {repeated.Count} repeated");
        Assert.True(repeated.Count == 0, $"{repeated.Count} (step, attempt) pair(s) executed more than once: {string.Join(", ", repeated.Take(10))}");
        foreach (var retried in outcomes.Where(o => o.Kind == "StressRetries"))
            Assert.Equal([1, 2, 3], executions.Keys.Where(k => k.WorkflowId == retried.Id).Select(k => k.Attempt).Order());
    }

    private sealed record Outcome(string Id, string Kind, string? Problem);

    /// <summary>One workflow's life: its start, then status polls, waits, a signal or a cancellation at random moments.</summary>
    private static async Task<Outcome> Drive(WorkflowClient client, Replies replies, string id, string kind, Random random)
    {
        var plan = new StressPlan(Width: random.Next(2, 6), StepMs: random.Next(5, 40), SleepMs: random.Next(20, 200));
        await Task.Delay(random.Next(0, 100));
        await replies.Track($"start {id}", () => client.StartJsonAsync(id, kind, PayloadCodec.Serialize(plan)));

        var requests = new List<Task>();
        if (random.Next(2) == 0) requests.Add(replies.Track($"wait {id}", () => client.WaitAsync(id, RequestTimeout))); // a waiter keeps it in memory
        for (var poll = 0; poll < 3; poll++) // a status question lets an idle workflow passivate; a wait sent with it races that
        {
            var withWait = random.Next(2) == 0;
            requests.Add(Later(random.Next(0, 300), () => Task.WhenAll(
                replies.Track($"status {id}", () => client.GetStatusAsync(id)),
                withWait ? replies.Track($"wait {id}", () => client.WaitAsync(id, RequestTimeout)) : Task.CompletedTask)));
        }
        var go = random.Next(1, 1000);
        switch (kind)
        {
            case "StressSignalMidStep":
                requests.Add(Later(random.Next(0, 40), () => replies.Track($"signal {id}", () => Signal(client, id, go))));
                break;
            case "StressSleepThenSignal": // before the timer fires (the workflow dormant), or after
                requests.Add(Later(random.Next(0, 2 * plan.SleepMs), () => replies.Track($"signal {id}", () => Signal(client, id, go))));
                break;
            case "StressCancellable":
                requests.Add(Later(random.Next(0, 50), () => replies.Track($"cancel {id}", () => client.CancelAsync(id, "stress"))));
                break;
        }
        await Task.WhenAll(requests);

        var status = await replies.Track($"final wait {id}", () => client.WaitAsync(id, RequestTimeout));
        var expected = kind switch
        {
            "StressFanOut" => (ExecutionStatus.Completed, Enumerable.Range(0, plan.Width).Sum(i => plan.StepMs + i).ToString()),
            "StressSignalMidStep" or "StressSleepThenSignal" => (ExecutionStatus.Completed, (go + 1).ToString()),
            "StressRetries" => (ExecutionStatus.Completed, plan.StepMs.ToString()),
            "StressCancellable" => (ExecutionStatus.Cancelled, (string?)null),
            "StressParent" => (ExecutionStatus.Completed, (2 * (plan.StepMs + plan.StepMs + 1) + plan.StepMs).ToString()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var problem = (status.Status, status.ResultJson) == expected ? null
            : $"expected {expected.Item1} {expected.Item2}, got {status.Status} {status.ResultJson} {status.Error}";
        return new Outcome(id, kind, problem);
    }

    /// <summary>One signal, one Ask: the client's own re-send after a timeout would hide a lost answer.</summary>
    private static Task Signal(WorkflowClient client, string id, int go) =>
        client.Router.Ask<SignalAccepted>(new SignalWorkflow(id, "go", go.ToString()), RequestTimeout);

    private static async Task Later(int milliseconds, Func<Task> request)
    {
        await Task.Delay(milliseconds);
        await request();
    }

    /// <summary>Counts requests, those never answered, and answers that reached no asker.</summary>
    private sealed class Replies
    {
        private int _sent;

        public Replies(ActorSystem system)
        {
            var listener = system.ActorOf(Props.Create(() => new DeadAnswerListener(DeadLettered)));
            system.EventStream.Subscribe(listener, typeof(DeadLetter));
        }

        public int Sent => _sent;

        public ConcurrentBag<string> Unanswered { get; } = [];

        public ConcurrentBag<string> DeadLettered { get; } = [];

        public async Task<T> Track<T>(string what, Func<Task<T>> request)
        {
            Interlocked.Increment(ref _sent);
            try
            {
                return await request();
            }
            catch (Exception e) when (e is WorkflowTimeoutException or AskTimeoutException)
            {
                Unanswered.Add(what);
                return default!;
            }
        }

        public Task Track(string what, Func<Task> request) => Track(what, async () =>
        {
            await request();
            return true;
        });
    }

    private sealed class DeadAnswerListener : ReceiveActor
    {
        public DeadAnswerListener(ConcurrentBag<string> deadAnswers) =>
            Receive<DeadLetter>(d => d.Message is WorkflowAccepted or StartRejected or WorkflowStatus or SignalAccepted
                or SignalRejected or CancelAccepted or CancelRejected, d => deadAnswers.Add($"{d.Message.GetType().Name} to {d.Recipient.Path}"));
    }

    public void Dispose() => _journal.Dispose();
}
