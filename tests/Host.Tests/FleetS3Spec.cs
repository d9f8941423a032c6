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
/// The fleet on S3 (issue 16): three hosts, one of them with a tenant, replicate with the real Litestream into one
/// bucket of a real S3-compatible server (Swift on 127.0.0.1) and publish their summaries there; the observer lists
/// them without downloading a journal, pulls exactly the one with a failed workflow, and replays it.
/// </summary>
public sealed class FleetS3Spec : IClassFixture<SwiftServer>, IDisposable
{
    private readonly SwiftServer _swift;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-fleet-s3", Guid.NewGuid().ToString("N"));
    private readonly string _bucket = "fleet-" + Guid.NewGuid().ToString("N")[..12];

    public FleetS3Spec(SwiftServer swift)
    {
        _swift = swift;
        foreach (var (name, value) in SwiftServer.Credentials) Environment.SetEnvironmentVariable(name, value); // Litestream, the hosts and the CLI read them
    }

    private IHost StartHost(string name, params string[] tenants)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSteadfast(new SteadfastOptions
        {
            DataDirectory = Path.Combine(_dir, name),
            Tenants = [.. tenants],
            Replication = new ReplicationOptions
            {
                Enabled = true, MonitorInterval = TimeSpan.FromMilliseconds(100), SyncInterval = TimeSpan.FromMilliseconds(100),
                Replicas = [new ReplicaOptions { Type = "s3", Name = "swift", Bucket = _bucket, Path = $"fleet/{name}", Endpoint = _swift.Endpoint }],
            },
            Fleet = new FleetOptions { HostName = name, SummaryInterval = TimeSpan.FromMilliseconds(200) },
        }, new SteadfastRegistry().AddWorkflow<FleetSpec.Quick>().AddWorkflow<FleetSpec.Buggy>(), actorSystemName: name, clientTimeout: TimeSpan.FromSeconds(20));
        var host = builder.Build();
        host.Start();
        return host;
    }

    private (int Code, string Out, string Err) Fleet(params string[] args) =>
        Cli.Run(["fleet", .. args, "--replica", $"s3://{_bucket}/fleet", "--endpoint", _swift.Endpoint]);

    [Fact]
    public async Task Fleet_on_s3_should_list_every_host_and_tenant_and_pull_only_the_failed_journal()
    {
        await _swift.CreateBucketAsync(_bucket);
        using (var a = StartHost("edge-a"))
        using (var b = StartHost("edge-b"))
        using (var c = StartHost("edge-c", "acme"))
        {
            var clientA = a.Services.GetRequiredService<WorkflowClient>();
            foreach (var i in Enumerable.Range(1, 2)) await clientA.StartAsync($"a-{i}", nameof(FleetSpec.Quick), i);
            var clientB = b.Services.GetRequiredService<WorkflowClient>();
            await clientB.StartAsync("b-1", nameof(FleetSpec.Quick), 1);
            await clientB.StartAsync("b-bug", nameof(FleetSpec.Buggy), 7);
            Assert.Equal(ExecutionStatus.Failed, (await clientB.WaitAsync("b-bug", TimeSpan.FromSeconds(20))).Status);
            var acme = c.Services.GetRequiredService<SteadfastTenants>().Client("acme");
            await acme.StartAsync("acme-1", nameof(FleetSpec.Quick), 1);
            Assert.Equal(ExecutionStatus.Completed, (await acme.WaitAsync("acme-1", TimeSpan.FromSeconds(20))).Status);
            Assert.Equal(ExecutionStatus.Completed, (await clientA.WaitAsync("a-2", TimeSpan.FromSeconds(20))).Status);
            await Task.WhenAll(a.StopAsync(), b.StopAsync(), c.StopAsync()); // each publishes its final summary
        }

        var status = Fleet("status", "--json");
        Assert.True(status.Code == 0, status.Err);
        var rows = JsonDocument.Parse(status.Out).RootElement.GetProperty("replicas").EnumerateArray()
            .Select(r => (Place: r.GetProperty("folder").GetString(), Summary: r.GetProperty("summary"))).ToList();
        Assert.Equal([("edge-a", "default", 2L, 0L), ("edge-b", "default", 1L, 1L), ("edge-c", "acme", 1L, 0L), ("edge-c", "default", 0L, 0L)],
            rows.Select(r => (r.Summary.GetProperty("host").GetString(), r.Summary.GetProperty("tenant").GetString(),
                r.Summary.GetProperty("counts").GetProperty("completed").GetInt64(), r.Summary.GetProperty("counts").GetProperty("failed").GetInt64())));
        Assert.Equal(["edge-a", "edge-b", "edge-c/acme", "edge-c"], rows.Select(r => r.Place));
        Assert.Contains("failed b-bug", Fleet("status").Out);

        var observed = Path.Combine(_dir, "observed");
        var pull = Fleet("pull", "--where", "failed", "--into", observed);
        Assert.True(pull.Code == 0, pull.Err + pull.Out);
        Assert.Equal(["edge-b-default.db"], Directory.GetFiles(observed, "*.db").Select(Path.GetFileName));
        Assert.Contains("current edge-b-default", Fleet("pull", "--where", "failed", "--into", observed).Out); // nothing moved on
        Assert.Equal(0, Fleet("pull", "--where", "all", "--tenant", "acme", "--into", observed).Code);
        Assert.True(File.Exists(Path.Combine(observed, "edge-c-acme.db")));

        // The failure reproduces locally from the pulled journal, with the workflow's code.
        var replay = Cli.Run("replay", "b-bug", "--db", observed, "--workflows", typeof(FleetSpec).Assembly.Location, "--json");
        Assert.True(replay.ExitCode is 0, replay.Err + replay.Out);
        var replayed = JsonDocument.Parse(replay.Out).RootElement;
        Assert.Equal((true, "Failed"), (replayed.GetProperty("consistent").GetBoolean(), replayed.GetProperty("outcome").GetString()));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
