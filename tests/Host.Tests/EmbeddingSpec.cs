using Akka.Actor;
using Akka.Hosting;
using Akka.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Steadfast.Actors.Serialization;
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

    // The two ways an embedder adds a serializer of its own (Akka.Hosting's, or Akka's typed setup); neither may push
    // Steadfast's out, nor Steadfast's theirs (one SerializationSetup per system: a second replaces the first).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithSteadfast_beside_an_embedders_own_serializer_should_keep_both(bool throughAkkaHosting)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        var options = new SteadfastOptions { DataDirectory = Path.Combine(_dir, "data") };
        builder.Services.AddAkka("embedder", akka =>
        {
            if (throughAkkaHosting)
                akka.WithCustomSerializer("embedder", [typeof(EmbedderMessage)], system => new EmbedderSerializer(system));
            else
                akka.AddSetup(SerializationSetup.Create(system => [SerializerDetails.Create("embedder", new EmbedderSerializer(system), [typeof(EmbedderMessage)])]));
            akka.WithSteadfast(options, new SteadfastRegistry().AddSamples());
        });
        builder.Services.AddWorkflowClient(TimeSpan.FromSeconds(20));
        using var host = builder.Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var client = host.Services.GetRequiredService<WorkflowClient>();

        await client.StartAsync("embedded-2", nameof(ResearchAgent), new ResearchRequest("serializers"));
        var status = await client.WaitAsync("embedded-2", TimeSpan.FromSeconds(60));
        var embedders = system.Serialization.FindSerializerForType(typeof(EmbedderMessage));
        await host.StopAsync();

        Assert.Equal(ExecutionStatus.Completed, status.Status);
        Assert.IsType<EmbedderSerializer>(embedders);
        using var db = new SqliteConnection($"Data Source={options.DatabasePath};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT DISTINCT identifier FROM journal";
        var identifiers = new List<long>();
        using (var reader = query.ExecuteReader())
            while (reader.Read()) identifiers.Add(reader.GetInt64(0));
        Assert.Equal([SteadfastSerializer.Id], identifiers);
    }

    private sealed record EmbedderMessage;

    private sealed class EmbedderSerializer(ExtendedActorSystem system) : Serializer(system)
    {
        public override int Identifier => 9001;
        public override bool IncludeManifest => false;
        public override byte[] ToBinary(object obj) => [];
        public override object FromBinary(byte[] bytes, Type type) => Activator.CreateInstance(type)!;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
