using Microsoft.Extensions.DependencyInjection;
using Steadfast.Actors;
using Steadfast.Cli.Samples;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;

namespace Steadfast.Host.Tests;

/// <summary>
/// Embedding in one call: a plain .NET generic host with <c>AddSteadfast</c> runs workflows and replicates the journal
/// with the real Litestream, as the steadfast executable does.
/// </summary>
public sealed class EmbeddingSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-embed", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AddSteadfast_should_run_workflows_and_replicate_them()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSteadfast(new SteadfastOptions
        {
            DataDirectory = Path.Combine(_dir, "data"),
            Replication = new ReplicationOptions
            {
                Enabled = true, MonitorInterval = TimeSpan.FromMilliseconds(100), SyncInterval = TimeSpan.FromMilliseconds(100),
                Replicas = [new ReplicaOptions { Type = "file", Name = "local", Path = Path.Combine(_dir, "replica") }],
            },
        }, new SteadfastRegistry().AddSamples(), clientTimeout: TimeSpan.FromSeconds(20));
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<WorkflowClient>();

        await client.StartAsync("embedded-1", nameof(ResearchAgent), new ResearchRequest("embedding"));
        var status = await client.WaitAsync("embedded-1", TimeSpan.FromSeconds(60));
        var lag = host.Services.GetRequiredService<LitestreamSupervisor>().Lag;
        await host.StopAsync();

        Assert.Equal(ExecutionStatus.Completed, status.Status);
        Assert.NotNull(lag); // replication was wired, not only the actor system
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_dir, "replica"), "*", SearchOption.AllDirectories));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
