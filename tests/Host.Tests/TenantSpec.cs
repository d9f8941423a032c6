using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steadfast.Actors;
using Steadfast.Hosting;
using Steadfast.Hosting.Fleet;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;

namespace Steadfast.Host.Tests;

/// <summary>
/// Tenants in one host (issue 16): each has its own journal file, plugin, router and replica (real Litestream); a
/// tenant whose file is damaged is faulted alone, says why, and keeps its bytes, while the others run on.
/// </summary>
public sealed class TenantSpec : IDisposable
{
    private static readonly string[] Tenants = ["alpha", "beta", "gamma"];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-tenants", Guid.NewGuid().ToString("N"));

    private string Data => Path.Combine(_dir, "data");

    private string Replica => Path.Combine(_dir, "replica");

    /// <summary>Runs a step once per call (counted here, outside the journal), then waits for "go".</summary>
    public sealed class Handover : Workflow<int, int>
    {
        public override async Task<int> RunAsync(WorkflowContext ctx, int input)
        {
            var stepped = await ctx.CallAsync<CountedStep, int, int>(input);
            return stepped + await ctx.WaitForSignalAsync<int>("go");
        }
    }

    public sealed class CountedStep : Activity<int, int>
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Runs = new();

        public override Task<int> ExecuteAsync(int input, ActivityExecutionContext context)
        {
            Runs.AddOrUpdate(context.WorkflowId, 1, (_, n) => n + 1);
            return Task.FromResult(input * 10);
        }
    }

    private IHost StartHost(string? data = null, string[]? tenants = null, string? akkaOverrides = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        string? overrides = null;
        if (akkaOverrides is not null)
        {
            Directory.CreateDirectory(_dir);
            File.WriteAllText(overrides = Path.Combine(_dir, "akka.conf"), akkaOverrides);
        }
        builder.Services.AddSteadfast(new SteadfastOptions
        {
            AkkaConfigFile = overrides,
            DataDirectory = data ?? Data,
            Tenants = [.. tenants ?? Tenants],
            Replication = new ReplicationOptions
            {
                Enabled = true, MonitorInterval = TimeSpan.FromMilliseconds(100), SyncInterval = TimeSpan.FromMilliseconds(100),
                Replicas = [new ReplicaOptions { Type = "file", Name = "local", Path = Replica }],
            },
            Fleet = new FleetOptions { HostName = "tenants", SummaryInterval = TimeSpan.FromMilliseconds(200) },
        }, new SteadfastRegistry().AddWorkflow<FleetSpec.Quick>().AddWorkflow<Handover>().AddActivity<CountedStep>(), clientTimeout: TimeSpan.FromSeconds(20));
        var host = builder.Build();
        host.Start();
        return host;
    }

    [Fact]
    public async Task Each_tenant_should_keep_its_own_journal_and_replica_and_a_damaged_one_should_fault_alone()
    {
        using (var host = StartHost(akkaOverrides: "akka.persistence.journal.sql.circuit-breaker.max-failures = 7"))
        {
            var tenants = host.Services.GetRequiredService<SteadfastTenants>();
            Assert.Equal(Tenants, tenants.Names);
            // A tenant's plugins are the default ones, as configured (what Akka.Persistence reads there too), on its own file.
            var config = host.Services.GetRequiredService<Akka.Actor.ActorSystem>().Settings.Config;
            Assert.Equal(7, config.GetInt("akka.persistence.journal.sql-alpha.circuit-breaker.max-failures"));
            Assert.Equal(config.GetString("akka.persistence.journal.sql.class"), config.GetString("akka.persistence.journal.sql-alpha.class"));
            Assert.Contains("alpha.db", config.GetString("akka.persistence.snapshot-store.sql-alpha.connection-string"));
            await host.Services.GetRequiredService<WorkflowClient>().StartAsync("default-1", nameof(FleetSpec.Quick), 0);
            foreach (var (tenant, i) in Tenants.Select((t, i) => (t, i)))
            {
                var client = tenants.Client(tenant);
                await client.StartAsync($"{tenant}-1", nameof(FleetSpec.Quick), i);
                Assert.Equal(ExecutionStatus.Completed, (await client.WaitAsync($"{tenant}-1", TimeSpan.FromSeconds(20))).Status);
            }
            // One Litestream process replicates all three tenants; the default journal has its own.
            await Until(() => Task.FromResult(LitestreamProcesses.Replicating(Path.Combine(Data, "litestream-tenants.yml")).Count == 1), "the tenants' Litestream");
            Assert.Single(LitestreamProcesses.Replicating(Path.Combine(Data, "litestream.yml")));
            Assert.Empty(LitestreamProcesses.Replicating(Path.Combine(Data, "litestream-alpha.yml")));
            // One tenant's ids are not another's.
            Assert.Equal(ExecutionStatus.NotFound, (await tenants.Client("alpha").GetStatusAsync("beta-1")).Status);
            await host.StopAsync();
        }

        Assert.Equal(["workflow-default-1"], PersistenceIds(Path.Combine(Data, "steadfast.db")));
        Assert.True(Directory.Exists(Path.Combine(Replica, "generations")), "the default journal's replica, at the replica's own path");
        foreach (var tenant in Tenants)
        {
            Assert.Equal([$"workflow-{tenant}-1"], PersistenceIds(Path.Combine(Data, tenant + ".db")));
            Assert.True(Directory.Exists(Path.Combine(Replica, tenant, "generations")),
                $"{tenant}'s replica; found: {string.Join(", ", Directory.EnumerateFileSystemEntries(_dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_dir, f)))}");
            var summary = FleetSummary.Parse(File.ReadAllText(Path.Combine(Replica, tenant, FleetSummary.FileName)), out _);
            Assert.Equal((tenant, 1), (summary?.Tenant, summary?.Counts.Completed));
        }

        // Damage gamma's file while the host is stopped, as a bad disk or a stray write would.
        SqliteConnection.ClearAllPools();
        var gamma = Path.Combine(Data, "gamma.db");
        foreach (var side in new[] { gamma + "-wal", gamma + "-shm" }) File.Delete(side);
        var garbage = new byte[16_384];
        new Random(16).NextBytes(garbage);
        File.WriteAllBytes(gamma, garbage);

        using (var host = StartHost())
        {
            var tenants = host.Services.GetRequiredService<SteadfastTenants>();
            Assert.Contains("gamma.db", tenants.FaultOf("gamma"));
            Assert.Null(tenants.FaultOf("alpha"));
            var refused = await Assert.ThrowsAsync<WorkflowStartException>(() => tenants.Client("gamma").StartAsync("gamma-2", nameof(FleetSpec.Quick), 1));
            Assert.Equal(StartRejection.Faulted, refused.Rejection.Reason);
            Assert.Contains("Tenant 'gamma' is faulted", refused.Message);
            Assert.Equal(ExecutionStatus.Faulted, (await tenants.Client("gamma").GetStatusAsync("gamma-1")).Status);

            foreach (var tenant in new[] { "alpha", "beta" })
            {
                var client = tenants.Client(tenant);
                Assert.Equal(ExecutionStatus.Completed, (await client.GetStatusAsync($"{tenant}-1")).Status);
                await client.StartAsync($"{tenant}-2", nameof(FleetSpec.Quick), 5);
                Assert.Equal("6", (await client.WaitAsync($"{tenant}-2", TimeSpan.FromSeconds(20))).ResultJson);
            }
            await host.StopAsync();
        }
        Assert.Equal(garbage, File.ReadAllBytes(gamma)); // nothing written over what may still be repaired
        Assert.Equal(["workflow-alpha-1", "workflow-alpha-2"], PersistenceIds(Path.Combine(Data, "alpha.db")));
    }

    [Fact]
    public async Task A_tenant_moved_to_another_host_should_resume_there_from_its_replica_without_running_a_step_twice()
    {
        var id = $"move-{Guid.NewGuid():N}";
        using (var first = StartHost(Path.Combine(_dir, "host-1"), ["beta"]))
        {
            var beta = first.Services.GetRequiredService<SteadfastTenants>().Client("beta");
            await beta.StartAsync(id, nameof(Handover), 4);
            await Until(async () => (await beta.GetStatusAsync(id)).WaitingOn.Any(w => w.Contains("go")), "the step done, waiting for go");
            await first.StopAsync(); // drained, and the last frames shipped to <replica>/beta
        }

        using var second = StartHost(Path.Combine(_dir, "host-2"), ["beta"]); // an empty data folder: beta.db comes from the replica
        var moved = second.Services.GetRequiredService<SteadfastTenants>().Client("beta");
        await moved.SignalAsync(id, "go", 2);
        var done = await moved.WaitAsync(id, TimeSpan.FromSeconds(20));
        await second.StopAsync();

        Assert.Equal((ExecutionStatus.Completed, "42"), (done.Status, done.ResultJson));
        Assert.Equal(1, CountedStep.Runs[id]);
        Assert.True(File.Exists(Path.Combine(_dir, "host-2", "beta.db")));
    }

    [Fact]
    public async Task A_tenant_added_while_the_host_runs_should_be_created_and_replicated_and_a_removed_one_should_keep_its_file_and_replica()
    {
        using var host = StartHost(tenants: []);
        var tenants = host.Services.GetRequiredService<SteadfastTenants>();
        Assert.Throws<ArgumentException>(() => tenants.Client("delta"));
        await Assert.ThrowsAsync<ArgumentException>(() => tenants.AddAsync("Not Valid"));

        Assert.Null(await tenants.AddAsync("delta"));
        await Assert.ThrowsAsync<ArgumentException>(() => tenants.AddAsync("delta"));
        var delta = tenants.Client("delta");
        await delta.StartAsync("delta-1", nameof(FleetSpec.Quick), 1);
        Assert.Equal("2", (await delta.WaitAsync("delta-1", TimeSpan.FromSeconds(20))).ResultJson);

        await tenants.RemoveAsync("delta"); // drained, its last frames shipped
        Assert.Empty(tenants.Names);
        Assert.Throws<ArgumentException>(() => tenants.Client("delta"));
        Assert.Equal(["workflow-delta-1"], PersistenceIds(Path.Combine(Data, "delta.db")));
        Assert.Equal(["workflow-delta-1"], await RestoredIds("delta"));

        Assert.Null(await tenants.AddAsync("delta")); // back on its file
        Assert.Equal(ExecutionStatus.Completed, (await tenants.Client("delta").GetStatusAsync("delta-1")).Status);
        await tenants.Client("delta").StartAsync("delta-2", nameof(FleetSpec.Quick), 2);
        Assert.Equal("3", (await tenants.Client("delta").WaitAsync("delta-2", TimeSpan.FromSeconds(20))).ResultJson);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_tenant_whose_file_is_deleted_while_it_runs_should_fault_alone_and_come_back_from_its_replica()
    {
        using var host = StartHost(tenants: ["alpha", "beta"]);
        var tenants = host.Services.GetRequiredService<SteadfastTenants>();
        await tenants.Client("beta").StartAsync("beta-1", nameof(FleetSpec.Quick), 1);
        Assert.Equal(ExecutionStatus.Completed, (await tenants.Client("beta").WaitAsync("beta-1", TimeSpan.FromSeconds(20))).Status);
        await Until(async () => (await RestoredIds("beta")).Contains("workflow-beta-1"), "beta-1 on beta's replica");

        var kept = tenants.Client("beta"); // a client kept by its caller follows its tenant's router through the fault
        var beta = Path.Combine(Data, "beta.db");
        foreach (var file in new[] { beta, beta + "-wal", beta + "-shm" }) File.Delete(file);
        await Until(() => Task.FromResult(tenants.FaultOf("beta") is not null), "beta faulted by the journal guard");

        var refused = await Assert.ThrowsAsync<WorkflowStartException>(() => tenants.Client("beta").StartAsync("beta-2", nameof(FleetSpec.Quick), 2));
        Assert.Contains("was removed while the host ran", refused.Message);
        await tenants.Client("alpha").StartAsync("alpha-1", nameof(FleetSpec.Quick), 1);
        Assert.Equal("2", (await tenants.Client("alpha").WaitAsync("alpha-1", TimeSpan.FromSeconds(20))).ResultJson);
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);

        Assert.Equal(ExecutionStatus.Faulted, (await kept.GetStatusAsync("beta-1")).Status);
        Assert.Null(await tenants.AddAsync("beta")); // restored from <replica>/beta
        var back = tenants.Client("beta");
        Assert.Equal(ExecutionStatus.Completed, (await back.GetStatusAsync("beta-1")).Status);
        await back.StartAsync("beta-2", nameof(FleetSpec.Quick), 2);
        Assert.Equal("3", (await back.WaitAsync("beta-2", TimeSpan.FromSeconds(20))).ResultJson);
        Assert.Equal(ExecutionStatus.Completed, (await kept.GetStatusAsync("beta-2")).Status);
        await Until(async () => (await RestoredIds("beta")).Contains("workflow-beta-2"), "beta-2 on beta's replica");
        await host.StopAsync();
        // Written to the restored file, not through connections to the deleted one.
        Assert.Equal(["workflow-beta-1", "workflow-beta-2"], PersistenceIds(beta));
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within 30 s: {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public void Tenant_names_that_cannot_name_a_file_and_an_actor_should_be_refused()
    {
        var e = Assert.Throws<OptionsValidationException>(() => new SteadfastOptions { Tenants = ["ok", "Bad Name", "ok", "steadfast"] }.Validate());
        Assert.Contains(e.Errors, m => m.Contains("'Bad Name' is not a tenant name"));
        Assert.Contains(e.Errors, m => m.Contains("'ok' is listed twice"));
        Assert.Contains(e.Errors, m => m.Contains("'steadfast' would share the default journal's file"));
    }

    /// <summary>The persistence ids in a fresh restore of <paramref name="tenant"/>'s replica (none when there is no replica yet).</summary>
    private async Task<List<string>> RestoredIds(string tenant)
    {
        var restored = Path.Combine(_dir, $"restored-{tenant}-{Guid.NewGuid():N}.db");
        await Litestream.RestoreUrlAsync(LitestreamBinary.Find(null), "file://" + Path.Combine(Replica, tenant), restored, CancellationToken.None);
        return File.Exists(restored) ? PersistenceIds(restored) : [];
    }

    private static List<string> PersistenceIds(string database)
    {
        using var db = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT DISTINCT persistence_id FROM journal ORDER BY persistence_id";
        using var reader = query.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
