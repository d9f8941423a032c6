using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Steadfast.Actors;
using Steadfast.Actors.Serialization;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;

namespace Steadfast.Host.Tests;

/// <summary>
/// The journal on a real PostgreSQL 15 (issue 17, first slice): the same plugin with the PostgreSQL provider, the
/// schema created on first start, unfinished workflows resumed by the next host with no step run twice.
/// </summary>
public sealed class PostgreSqlSpec(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-pg", Guid.NewGuid().ToString("N"));

    /// <summary>Waits on a durable timer: resumed (not dormant) by the next host, from its history read in bulk.</summary>
    public sealed class Sleepy : Workflow<int, int>
    {
        public override async Task<int> RunAsync(WorkflowContext ctx, int input)
        {
            await ctx.SleepAsync(TimeSpan.FromSeconds(2));
            return input * 2;
        }
    }

    private IHost StartHost(string? connectionString)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSteadfast(new SteadfastOptions
        {
            DataDirectory = _dir,
            Storage = connectionString is null ? new StorageOptions() : new StorageOptions { Provider = StorageOptions.PostgreSql, ConnectionString = connectionString },
            // On in the shipped configuration: with PostgreSQL it is off, with a warning, not an error.
            Replication = new ReplicationOptions { Enabled = connectionString is not null, Replicas = [new ReplicaOptions { Type = "file", Path = Path.Combine(_dir, "replica") }] },
        }, new SteadfastRegistry().AddWorkflow<FleetSpec.Quick>().AddWorkflow<TenantSpec.Handover>().AddActivity<TenantSpec.CountedStep>().AddWorkflow<Sleepy>(),
            clientTimeout: TimeSpan.FromSeconds(30));
        var host = builder.Build();
        host.Start();
        return host;
    }

    [Fact]
    public async Task Workflows_on_postgresql_should_resume_on_the_next_host_with_no_step_run_twice()
    {
        var database = await postgres.CreateDatabaseAsync();
        var ids = Enumerable.Range(0, 20).Select(i => $"pg-{i}-{Guid.NewGuid():N}").ToList();
        using (var first = StartHost(database))
        {
            var client = first.Services.GetRequiredService<WorkflowClient>();
            await Task.WhenAll(ids.Select((id, i) => client.StartAsync(id, nameof(TenantSpec.Handover), i)));
            await client.StartAsync("pg-quick", nameof(FleetSpec.Quick), 41);
            foreach (var i in Enumerable.Range(1, 5)) await client.StartAsync($"pg-sleepy-{i}-{ids[0]}", nameof(Sleepy), i);
            Assert.Equal("42", (await client.WaitAsync("pg-quick", TimeSpan.FromSeconds(30))).ResultJson);
            foreach (var id in ids)
                for (var deadline = DateTime.UtcNow.AddSeconds(30); !(await client.GetStatusAsync(id)).WaitingOn.Any(w => w.Contains("go"));)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{id} did not reach its signal");
                    await Task.Delay(100);
                }
            Assert.Null(first.Services.GetRequiredService<LitestreamSupervisor>().Lag); // no Litestream on PostgreSQL
            await first.StopAsync();
        }
        Assert.False(Directory.Exists(Path.Combine(_dir, "replica")));

        using var second = StartHost(database); // resumes the 20 from PostgreSQL
        var resumed = second.Services.GetRequiredService<WorkflowClient>();
        var atStart = await resumed.GetRuntimeStatsAsync();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !atStart.ResumeDone && DateTime.UtcNow < deadline; atStart = await resumed.GetRuntimeStatsAsync())
            await Task.Delay(100);
        Assert.Equal(20, atStart.DormantWorkflows); // found by the lifecycle-index query: unfinished, their newest row tagged waiting-for-signal
        await Task.WhenAll(ids.Select(id => resumed.SignalAsync(id, "go", 1000)));
        var done = await Task.WhenAll(ids.Select(id => resumed.WaitAsync(id, TimeSpan.FromSeconds(30))));
        var slept = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => resumed.WaitAsync($"pg-sleepy-{i}-{ids[0]}", TimeSpan.FromSeconds(30))));
        Assert.Equal(["2", "4", "6", "8", "10"], slept.Select(s => s.ResultJson));
        var stats = await resumed.GetRuntimeStatsAsync();
        await second.StopAsync();

        Assert.All(done, s => Assert.Equal(ExecutionStatus.Completed, s.Status));
        Assert.Equal(ids.Select((_, i) => (i * 10 + 1000).ToString()), done.Select(s => s.ResultJson));
        Assert.All(ids, id => Assert.Equal(1, TenantSpec.CountedStep.Runs[id])); // journaled before the stop: not run again
        Assert.True(stats.ResumeDone);
        // The bulk read recovery uses (a failure would fall back to the plugin silently): every history, whole.
        var histories = await Steadfast.Actors.Storage.PostgreSqlJournal.ReadHistoriesAsync(database, ids);
        Assert.Equal(ids.Order(), histories.Histories.Keys.Order());
        Assert.All(histories.Histories.Values, h => Assert.IsType<Steadfast.Runtime.History.WorkflowCompleted>(h[^1]));
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var rows = db.CreateCommand();
        rows.CommandText = "SELECT COUNT(*) FILTER (WHERE manifest = 'WorkflowStarted.v1'), COUNT(DISTINCT identifier), MIN(identifier) FROM journal";
        await using var reader = await rows.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((26L, 1L, (long)SteadfastSerializer.Id), (reader.GetInt64(0), reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2))));
    }

    [Fact]
    public async Task A_sqlite_journal_migrated_to_postgresql_should_resume_there_and_a_second_run_should_need_continue_and_add_nothing()
    {
        var ids = Enumerable.Range(0, 10).Select(i => $"mig-{i}-{Guid.NewGuid():N}").ToList();
        using (var sqlite = StartHost(null))
        {
            var client = sqlite.Services.GetRequiredService<WorkflowClient>();
            await Task.WhenAll(ids.Select((id, i) => client.StartAsync(id, nameof(TenantSpec.Handover), i)));
            foreach (var i in Enumerable.Range(0, 5)) await client.StartAsync($"mig-done-{i}", nameof(FleetSpec.Quick), i);
            foreach (var id in ids)
                for (var deadline = DateTime.UtcNow.AddSeconds(30); !(await client.GetStatusAsync(id)).WaitingOn.Any(w => w.Contains("go"));)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{id} did not reach its signal");
                    await Task.Delay(100);
                }
            Assert.Equal(ExecutionStatus.Completed, (await client.WaitAsync("mig-done-4", TimeSpan.FromSeconds(30))).Status);
            await sqlite.StopAsync();
        }
        var database = await postgres.CreateDatabaseAsync();
        var file = Path.Combine(_dir, "steadfast.db");

        var migrate = Cli.Run("migrate", "--from", file, "--to", database);
        Assert.True(migrate.ExitCode == 0, migrate.Err + migrate.Out);
        Assert.Contains("Migrated 15 workflow(s)", migrate.Out);
        var again = Cli.Run("migrate", "--from", file, "--to", database);
        Assert.Equal(7, again.ExitCode);
        Assert.Contains("--continue", again.Err);
        var resumed = Cli.Run("migrate", "--from", file, "--to", database, "--continue");
        Assert.True(resumed.ExitCode == 0, resumed.Err + resumed.Out);
        Assert.Contains("journal:", resumed.Out);
        Assert.Contains(" 0 inserted", resumed.Out); // everything was there: nothing twice

        // Another journal's rows where this one's went (same orderings, other workflows): refused, not skipped in silence.
        var other = Path.Combine(_dir, "other.db");
        using (var from = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False"))
        using (var to = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={other};Pooling=False"))
        {
            from.Open();
            from.BackupDatabase(to); // the journal with its WAL's pages
        }
        using (var edit = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={other};Pooling=False"))
        {
            edit.Open();
            using var rename = edit.CreateCommand();
            rename.CommandText = "UPDATE journal SET persistence_id = persistence_id || '-other'; UPDATE tags SET persistence_id = persistence_id || '-other'";
            rename.ExecuteNonQuery();
        }
        var clash = Cli.Run("migrate", "--from", other, "--to", database, "--continue");
        Assert.Equal(7, clash.ExitCode);
        Assert.Contains("holds other rows", clash.Err);

        using var onPostgres = StartHost(database);
        var client2 = onPostgres.Services.GetRequiredService<WorkflowClient>();
        await Task.WhenAll(ids.Select(id => client2.SignalAsync(id, "go", 1000)));
        var done = await Task.WhenAll(ids.Select(id => client2.WaitAsync(id, TimeSpan.FromSeconds(30))));
        Assert.Equal(ExecutionStatus.Completed, (await client2.GetStatusAsync("mig-done-2")).Status);
        await client2.StartAsync("mig-after", nameof(FleetSpec.Quick), 1); // new rows after the copied orderings
        Assert.Equal("2", (await client2.WaitAsync("mig-after", TimeSpan.FromSeconds(30))).ResultJson);
        await onPostgres.StopAsync();

        Assert.All(done, s => Assert.Equal(ExecutionStatus.Completed, s.Status));
        Assert.All(ids, id => Assert.Equal(1, TenantSpec.CountedStep.Runs[id]));
    }

    [Fact]
    public void PostgreSql_without_a_connection_string_or_with_tenants_should_be_refused()
    {
        var e = Assert.Throws<OptionsValidationException>(() => new SteadfastOptions
        {
            Storage = new StorageOptions { Provider = StorageOptions.PostgreSql }, Tenants = ["acme"],
        }.Validate());
        Assert.Contains(e.Errors, m => m.Contains("no connection string is set"));
        Assert.Contains(e.Errors, m => m.Contains("cannot be combined"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
