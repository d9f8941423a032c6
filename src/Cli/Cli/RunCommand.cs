using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steadfast.Actors;
using Steadfast.Cli.Samples;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast run</c>: the host with the bundled sample agent, a batch of sample workflows and their progress.</summary>
internal static class RunCommand
{
    public static Command Create(Option<string?> configOption)
    {
        var count = new Option<int>("--workflows") { Description = "Sample workflows to start (ids agent-1..N; starting again is idempotent).", DefaultValueFactory = _ => 20 };
        var failing = new Option<int>("--failing") { Description = "Also start this many samples that fail on a deliberate bug (ids agent-bug-1..N), e.g. for the fleet tour." };
        var keepRunning = new Option<bool>("--keep-running") { Description = "Keep serving after the samples finished (stop with Ctrl+C)." };
        var restore = new Option<bool>("--restore-from-replica") { Description = "If the local journal is not the replica's history: move it aside and restore the replica's." };
        var discard = new Option<bool>("--discard-replica-history") { Description = "If the local journal is not the replica's history: replicate it anyway (a new generation)." };
        var allowNewer = new Option<bool>("--allow-newer-journal") { Description = "Start on a journal written by a newer Steadfast; workflows with events this version cannot read stay Faulted." };
        var command = new Command("run", "Run the host with the sample research agent on the local SQLite journal.") { count, failing, keepRunning, restore, discard, allowNewer };
        command.Validators.Add(r =>
        {
            if (r.GetValue(restore) && r.GetValue(discard)) r.AddError("--restore-from-replica and --discard-replica-history exclude each other.");
            if (r.GetValue(failing) < 0 || r.GetValue(count) < 0) r.AddError("--workflows and --failing must not be negative.");
        });
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(configOption), parse.GetValue(count), parse.GetValue(failing), parse.GetValue(keepRunning),
            parse.GetValue(restore) ? WhenLocalDiffers.RestoreFromReplica : parse.GetValue(discard) ? WhenLocalDiffers.DiscardReplicaHistory : null,
            parse.GetValue(allowNewer), cancel));
        return command;
    }

    private static async Task<int> RunAsync(string? configFile, int count, int failing, bool keepRunning, WhenLocalDiffers? whenLocalDiffers, bool allowNewerJournal,
        CancellationToken cancel)
    {
        var options = SteadfastHost.LoadOptions(configFile);
        if (allowNewerJournal) options.AllowNewerJournal = true;
        if (whenLocalDiffers is { } way) options.Replication.WhenLocalDiffers = way;
        using var host = SteadfastHost.Build(options, new SteadfastRegistry().AddSamples());
        await host.StartAsync(cancel);
        Console.WriteLine($"Steadfast host running; journal: {(options.Storage.IsPostgreSql ? "PostgreSQL" : options.DatabasePath)} (pid {Environment.ProcessId})");
        var client = host.Services.GetRequiredService<WorkflowClient>();
        // SIGTERM stops the host (drain, Akka, then Litestream's last frames); the progress loop must end with it
        // rather than ask a stopped actor system until its asks time out.
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel, stopping);
        try
        {
            await ShowProgressAsync(client, host.Services.GetRequiredService<LitestreamSupervisor>(), count, failing, either.Token);
        }
        catch (Exception e) when (either.IsCancellationRequested && e is OperationCanceledException or WorkflowTimeoutException or WorkflowStartException)
        {
            Console.WriteLine("Stopping: the workflows in flight continue at the next start.");
        }

        if (keepRunning && !either.IsCancellationRequested) await host.WaitForShutdownAsync(cancel);
        else await host.StopAsync(CancellationToken.None); // a stop after Ctrl+C must still drain and ship the last frames
        return Environment.ExitCode; // non-zero when the host stopped itself (e.g. JournalFileGuard)
    }

    /// <summary>Starts one sample; a start the host refuses or does not answer is reported, not thrown (the next run sends it again).</summary>
    private static async Task<(string Id, bool Started, bool Created)> StartSampleAsync(WorkflowClient client, string id, string topic, CancellationToken cancel)
    {
        try
        {
            var accepted = await client.StartAsync(id, nameof(ResearchAgent), new ResearchRequest(topic), cancel);
            return (id, true, accepted.Created);
        }
        catch (WorkflowStartException e) when (e.Rejection.Reason is StartRejection.Faulted or StartRejection.Unavailable or StartRejection.Overloaded
                                               && !cancel.IsCancellationRequested)
        {
            Console.WriteLine($"  {id}: not started ({e.Rejection.Reason}): {e.Message}");
        }
        catch (WorkflowTimeoutException) when (!cancel.IsCancellationRequested)
        {
            Console.WriteLine($"  {id}: no answer to its start within the client's timeout; the next run starts it again (idempotent)");
        }
        return (id, false, false);
    }

    private static async Task ShowProgressAsync(WorkflowClient client, LitestreamSupervisor replication, int count, int failing, CancellationToken cancel)
    {
        // All at once, as callers do (and so that starts acknowledged only after replication do not queue one by one).
        var samples = Enumerable.Range(1, count).Select(i => ($"agent-{i}", $"topic agent-{i}"))
            .Concat(Enumerable.Range(1, failing).Select(i => ($"agent-bug-{i}", $"bug {i}")));
        var starts = await Task.WhenAll(samples.Select(s => StartSampleAsync(client, s.Item1, s.Item2, cancel)));
        count += failing;
        var ids = starts.Where(s => s.Started).Select(s => s.Id).ToList();
        var created = starts.Count(s => s.Created);
        Console.WriteLine($"Started {created} new sample workflow(s); {ids.Count - created} already existed and continue where they were" +
                          (ids.Count < count ? $"; {count - ids.Count} not started or faulted (see above)." : "."));

        var clock = Stopwatch.StartNew();
        while (!cancel.IsCancellationRequested)
        {
            var statuses = await Task.WhenAll(ids.Select(id => client.GetStatusAsync(id, cancel)));
            var byStatus = statuses.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count());
            Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0}s] " + string.Join(", ", byStatus.OrderBy(kv => kv.Key).Select(kv => $"{kv.Value} {kv.Key.ToString().ToLowerInvariant()}")) +
                              (replication.Lag is { } lag ? $"; replica lag {lag.TotalMilliseconds:0} ms" : ""));
            if (statuses.All(s => s.IsSettled))
            {
                foreach (var s in statuses.Take(5)) Console.WriteLine($"  {s.WorkflowId}: {s.Status} {s.ResultJson ?? s.Error}");
                if (statuses.Length > 5) Console.WriteLine($"  … and {statuses.Length - 5} more");
                break;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancel).ContinueWith(_ => { }, CancellationToken.None); // a cancelled pause ends the loop below, not with an exception
        }
    }
}
