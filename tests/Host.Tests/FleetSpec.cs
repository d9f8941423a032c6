using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steadfast.Actors;
using Steadfast.Hosting;
using Steadfast.Hosting.Fleet;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;

namespace Steadfast.Host.Tests;

/// <summary>
/// The fleet shape, first slice: two hosts replicating (real Litestream) into one folder publish summaries next to
/// their replicas, and <c>steadfast fleet status</c> finds the one with a failed workflow without opening a journal.
/// </summary>
public sealed class FleetSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-fleet", Guid.NewGuid().ToString("N"));

    private string Root => Path.Combine(_dir, "replicas");

    public sealed class Quick : Workflow<int, int>
    {
        public override Task<int> RunAsync(WorkflowContext ctx, int input) => Task.FromResult(input + 1);
    }

    public sealed class Buggy : Workflow<int, int>
    {
        public override Task<int> RunAsync(WorkflowContext ctx, int input) => throw new InvalidOperationException($"bug on input {input}");
    }

    private IHost StartHost(string name)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSteadfast(new SteadfastOptions
        {
            DataDirectory = Path.Combine(_dir, name),
            Replication = new ReplicationOptions
            {
                Enabled = true, MonitorInterval = TimeSpan.FromMilliseconds(100), SyncInterval = TimeSpan.FromMilliseconds(100),
                Replicas = [new ReplicaOptions { Type = "file", Name = "fleet", Path = Path.Combine(Root, name) }],
            },
            Fleet = new FleetOptions { HostName = name, SummaryInterval = TimeSpan.FromMilliseconds(200) },
        }, new SteadfastRegistry().AddWorkflow<Quick>().AddWorkflow<Buggy>(), actorSystemName: name, clientTimeout: TimeSpan.FromSeconds(20));
        var host = builder.Build();
        host.Start();
        return host;
    }

    private FleetSummary? SummaryOf(string name)
    {
        var file = Path.Combine(Root, name, FleetSummary.FileName);
        return File.Exists(file) ? FleetSummary.Parse(File.ReadAllText(file), out _) : null;
    }

    private static async Task Until(Func<bool> condition, string what, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within 30 s: {what}\n{context?.Invoke()}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Fleet_status_should_list_every_host_and_flag_the_one_with_a_failed_workflow()
    {
        using (var a = StartHost("host-a"))
        using (var b = StartHost("host-b"))
        {
            var clientA = a.Services.GetRequiredService<WorkflowClient>();
            var clientB = b.Services.GetRequiredService<WorkflowClient>();
            foreach (var i in Enumerable.Range(1, 3)) await clientA.StartAsync($"a-{i}", nameof(Quick), i);
            await clientB.StartAsync("b-1", nameof(Quick), 1);
            await clientB.StartAsync("b-bug", nameof(Buggy), 7);
            Assert.Equal(ExecutionStatus.Failed, (await clientB.WaitAsync("b-bug", TimeSpan.FromSeconds(20))).Status);

            await Until(() => SummaryOf("host-a") is { Generation: not null } s && s.Counts == new FleetCounts(0, 3, 0, 0),
                "host-a's summary: its generation, 3 completed");
            await Until(() => SummaryOf("host-b") is { Generation: not null } s && s.Counts == new FleetCounts(0, 1, 1, 0),
                "host-b's summary: its generation, 1 completed, 1 failed");
            await a.StopAsync();
            await b.StopAsync();
        }
        // What an observer may also find in a shared bucket: foreign files, and summaries of a newer Steadfast.
        Directory.CreateDirectory(Path.Combine(Root, "foreign"));
        File.WriteAllText(Path.Combine(Root, "foreign", FleetSummary.FileName), "{ not json");
        Directory.CreateDirectory(Path.Combine(Root, "future"));
        File.WriteAllText(Path.Combine(Root, "future", FleetSummary.FileName), """{"format": 99, "host": "h", "tenant": "t"}""");

        var (code, output, error) = Cli.Run("fleet", "status", "--replica", Root, "--json");

        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        var replicas = result.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("summary")).ToList();
        Assert.Equal(["host-a", "host-b"], replicas.Select(s => s.GetProperty("host").GetString()));
        Assert.Equal(0, replicas[0].GetProperty("counts").GetProperty("failed").GetInt64());
        Assert.Equal(["b-bug"], replicas[1].GetProperty("flagged").GetProperty("failed").EnumerateArray().Select(e => e.GetString()));
        Assert.All(replicas, s => Assert.False(string.IsNullOrEmpty(s.GetProperty("generation").GetString()))); // each replica's generation
        var skipped = result.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("problem").GetString()!).Order().ToList();
        Assert.Collection(skipped, p => Assert.StartsWith("malformed JSON", p), p => Assert.StartsWith("written by a newer Steadfast (summary format 99", p));

        var table = Cli.Run("fleet", "status", "--replica", Root);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("failed b-bug", table.Out);
        Assert.Contains("skipped", table.Err);

        // Pull exactly the journal with the failure, then inspect it as any journal.
        var observed = Path.Combine(_dir, "observed");
        var pull = Cli.Run("fleet", "pull", "--replica", Root, "--where", "failed", "--into", observed);
        Assert.True(pull.ExitCode == 0, pull.Err + pull.Out);
        Assert.Equal(["host-b-default.db"], Directory.GetFiles(observed, "*.db").Select(Path.GetFileName));
        var list = JsonDocument.Parse(Cli.Run("list", "--db", Path.Combine(observed, "host-b-default.db"), "--json", "--status", "Failed").Out).RootElement;
        Assert.Equal(["b-bug"], list.EnumerateArray().Select(r => r.GetProperty("workflowId").GetString()));

        // Again: nothing moved on, nothing is downloaded; --where all adds the other host.
        var written = File.GetLastWriteTimeUtc(Path.Combine(observed, "host-b-default.db"));
        Assert.Contains("current host-b-default", Cli.Run("fleet", "pull", "--replica", Root, "--where", "failed", "--into", observed).Out);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(observed, "host-b-default.db")));
        Assert.Equal(0, Cli.Run("fleet", "pull", "--replica", Root, "--where", "all", "--into", observed).ExitCode);
        Assert.Equal(["host-a-default.db", "host-b-default.db"], Directory.GetFiles(observed, "*.db").Select(Path.GetFileName).Order());

        // The inspection commands take the folder: list merges the journals, show finds the one with the id.
        File.WriteAllText(Path.Combine(observed, "notes.db"), "not a journal");
        var all = Cli.Run("list", "--db", observed, "--json");
        Assert.Equal(0, all.ExitCode);
        var merged = JsonDocument.Parse(all.Out).RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("journal").GetString(), r.GetProperty("execution").GetProperty("workflowId").GetString())).Order().ToList();
        Assert.Equal([("host-a-default.db", "a-1"), ("host-a-default.db", "a-2"), ("host-a-default.db", "a-3"), ("host-b-default.db", "b-1"), ("host-b-default.db", "b-bug")],
            merged);
        Assert.Contains("skipped", all.Err); // notes.db
        var show = JsonDocument.Parse(Cli.Run("show", "b-bug", "--db", observed, "--json").Out).RootElement;
        Assert.Equal(("Failed", "System.InvalidOperationException: bug on input 7"), (show.GetProperty("status").GetString(), show.GetProperty("error").GetString()));
        File.Copy(Path.Combine(observed, "host-b-default.db"), Path.Combine(observed, "copy.db"));
        var ambiguous = Cli.Run("show", "b-bug", "--db", observed);
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("is in 2 journals", ambiguous.Err);
    }

    [Fact]
    public async Task Fleet_watch_should_keep_the_observed_folder_current_as_workflows_fail()
    {
        var observed = Path.Combine(_dir, "observed");
        // Started before any host has replicated: no folder yet, which the watch waits out.
        using var watch = Cli.Start("fleet", "watch", "--replica", Root, "--where", "failed", "--into", observed, "--interval", "00:00:01");
        using var host = StartHost("host-w");
        var client = host.Services.GetRequiredService<WorkflowClient>();
        await client.StartAsync("w-1", nameof(Quick), 1);
        var pulled = Path.Combine(observed, "host-w-default.db");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(File.Exists(pulled)); // nothing failed yet: nothing pulled

        await client.StartAsync("w-bug-1", nameof(Buggy), 1);
        await Until(() => FailedIn(pulled).SequenceEqual(["w-bug-1"]), "the watch pulled the journal with w-bug-1", () => watch.Output);
        await client.StartAsync("w-bug-2", nameof(Buggy), 2);
        await Until(() => FailedIn(pulled).SequenceEqual(["w-bug-1", "w-bug-2"]), "the watch pulled it again once w-bug-2 failed", () => watch.Output);
        Assert.False(watch.HasExited, watch.Output);
    }

    private static List<string> FailedIn(string journal)
    {
        if (!File.Exists(journal)) return [];
        var list = Cli.Run("list", "--db", journal, "--json", "--status", "Failed");
        return list.ExitCode == 0 ? JsonDocument.Parse(list.Out).RootElement.EnumerateArray().Select(r => r.GetProperty("workflowId").GetString()!).Order().ToList() : [];
    }

    [Fact]
    public void Fleet_status_on_a_missing_folder_should_say_so_with_its_exit_code()
    {
        var (code, _, error) = Cli.Run("fleet", "status", "--replica", Path.Combine(_dir, "nowhere"));

        Assert.Equal(16, code);
        Assert.Contains("does not exist", error);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
