using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Steadfast.Runtime;

using static Steadfast.Actors.Tests.Eventually;

namespace Steadfast.Actors.Tests;

/// <summary>
/// Far more concurrent starts than the admission bounds, on small bounds so it runs fast: each start is acknowledged
/// (and its workflow completes) or refused as overloaded, nothing else; the workflows in flight never exceed the bound.
/// </summary>
public sealed class OverloadSpec : IDisposable
{
    private static readonly Config SmallBounds = ConfigurationFactory.ParseString("""
        steadfast.admission { max-active-workflows = 10, max-waiting-starts = 30, max-wait = 1s }
        """);

    private readonly SqliteJournal _journal = new();

    [Fact]
    public async Task Low_disk_should_refuse_new_starts_and_let_running_workflows_go_on()
    {
        await using var host = _journal.StartHost(TestRegistry.Create(), "disk");
        var running = $"running-{Guid.NewGuid():N}";
        await host.Client.StartJsonAsync(running, "AddsSignal", "1");

        host.Router.Tell(new DiskPressure("Only 3 MB are free on the journal's volume"));
        var refused = await host.Router.Ask<object>(new StartWorkflow($"new-{Guid.NewGuid():N}", "Retrying", """{"value":1,"failuresBeforeSuccess":0}"""), Wait);
        var again = await host.Router.Ask<object>(new StartWorkflow(running, "AddsSignal", "1"), Wait); // a known id: answered, not refused
        await host.Client.SignalJsonAsync(running, "add", "2");
        var stats = await host.Client.GetRuntimeStatsAsync();
        host.Router.Tell(new DiskPressure(null));
        var fresh = $"fresh-{Guid.NewGuid():N}";
        await host.Client.StartJsonAsync(fresh, "Retrying", """{"value":1,"failuresBeforeSuccess":0}""");

        var rejection = Assert.IsType<StartRejected>(refused);
        Assert.Equal((StartRejection.Overloaded, "Only 3 MB are free on the journal's volume"), (rejection.Reason, rejection.Message));
        Assert.Equal(new WorkflowAccepted(running, false), again);
        Assert.Equal("Only 3 MB are free on the journal's volume", stats.Degraded);
        Assert.Equal("4", (await host.Client.WaitAsync(running, Wait)).ResultJson);
        Assert.Equal(ExecutionStatus.Completed, (await host.Client.WaitAsync(fresh, Wait)).Status);
    }

    [Fact]
    public async Task Starts_beyond_the_bounds_should_be_acknowledged_or_refused_as_overloaded_and_nothing_else()
    {
        await using var host = _journal.StartHost(TestRegistry.Create(), "overload", SmallBounds);
        var ids = Enumerable.Range(0, 400).Select(i => $"burst-{i}-{Guid.NewGuid():N}").ToList();
        var watching = WatchInFlight(host, out var maxInFlight);

        // Raw Asks, no client retry: every answer is seen as the host gave it.
        var replies = await Task.WhenAll(ids.Select(id =>
            host.Router.Ask<object>(new StartWorkflow(id, "StressFanOut", PayloadCodec.Serialize(new StressPlan(2, 30, 0))), TimeSpan.FromSeconds(30))));
        var accepted = ids.Where((_, i) => replies[i] is WorkflowAccepted { Created: true }).ToList();
        var overloaded = replies.OfType<StartRejected>().Where(r => r.Reason == StartRejection.Overloaded).ToList();
        Assert.Equal(ids.Count, accepted.Count + overloaded.Count); // nothing else
        Assert.NotEmpty(accepted);
        Assert.NotEmpty(overloaded);
        Assert.Contains("limit of 10 workflows in flight", overloaded[0].Message);

        var done = await Task.WhenAll(accepted.Select(id => host.Client.WaitAsync(id, Wait)));
        Assert.All(done, s => Assert.Equal(("61", ExecutionStatus.Completed), (s.ResultJson, s.Status)));
        var refusedIds = ids.Except(accepted).ToHashSet();
        Assert.Equal(0, _journal.Rows().Count(r => refusedIds.Contains(r.PersistenceId["workflow-".Length..]))); // refused means not journaled
        Assert.DoesNotContain(_journal.Rows(), r => r.Manifest == "WorkflowFailed.v1");
        await watching.DisposeAsync();
        Assert.InRange(maxInFlight.Value, 1, 10);
    }

    [Fact]
    public async Task Client_should_retry_overloaded_starts_until_every_workflow_has_run()
    {
        await using var host = _journal.StartHost(TestRegistry.Create(), "overload-client", SmallBounds);
        var client = new WorkflowClient(host.Router, TimeSpan.FromMinutes(2));
        var ids = Enumerable.Range(0, 300).Select(i => $"patient-{i}-{Guid.NewGuid():N}").ToList();

        await Task.WhenAll(ids.Select(id => client.StartAsync(id, "StressFanOut", new StressPlan(2, 10, 0))));
        var done = await Task.WhenAll(ids.Select(id => client.WaitAsync(id, Wait)));

        Assert.All(done, s => Assert.Equal(ExecutionStatus.Completed, s.Status));
        Assert.Empty(Ledger.Repeated(ids.ToHashSet()));
        Assert.Equal(600, Ledger.Of(ids.ToHashSet()).Count);
    }

    [Fact]
    public async Task Workflows_resumed_at_start_should_wait_their_turn_and_all_finish()
    {
        var ids = Enumerable.Range(0, 60).Select(i => $"resume-{i}-{Guid.NewGuid():N}").ToList();
        await using (var first = _journal.StartHost(TestRegistry.Create(), "before-restart"))
        {
            await Task.WhenAll(ids.Select(id => first.Client.StartJsonAsync(id, "ThreeSteps", "1"))); // each waits in its gated step 2
            await AwaitAsync(async () => Assert.All(await Task.WhenAll(ids.Select(id => first.Client.GetStatusAsync(id))),
                s => Assert.Contains("GatedIncrement", string.Join(",", s.WaitingOn))));
        }
        foreach (var id in ids) Gates.Release(id);

        await using var second = _journal.StartHost(TestRegistry.Create(), "after-restart", SmallBounds);
        var done = await Task.WhenAll(ids.Select(id => second.Client.WaitAsync(id, Wait)));

        Assert.All(done, s => Assert.Equal("4", s.ResultJson));
        Assert.True((await second.Client.GetRuntimeStatsAsync()).ResumeDone);
    }

    /// <summary>Samples the router's workflows in flight every 20 ms until disposed.</summary>
    private static IAsyncDisposable WatchInFlight(TestHost host, out StrongBox<int> max)
    {
        var box = max = new StrongBox<int>();
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                box.Value = Math.Max(box.Value, (await host.Client.GetRuntimeStatsAsync()).InFlight);
                await Task.Delay(20);
            }
        });
        return new Stopper(stop, loop);
    }

    private sealed class Stopper(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
        }
    }

    public void Dispose() => _journal.Dispose();
}
