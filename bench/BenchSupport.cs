using Steadfast.Actors.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Actors;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;
using Steadfast.Runtime;

namespace Steadfast.Bench;

/// <summary>What the benchmark workloads share: the host they run, result checks, scratch folders.</summary>
internal static class BenchSupport
{
    /// <summary>The PostgreSQL connection string the bench's hosts use instead of the SQLite file, or null.</summary>
    public static string? OnPostgres => Environment.GetEnvironmentVariable("STEADFAST_BENCH_POSTGRES") is { Length: > 0 } cs ? cs : null;

    /// <summary>Creates a new database on the server of <paramref name="server"/> and returns its connection string.</summary>
    public static async Task<string> NewPostgresDatabaseAsync(string server, CancellationToken cancel)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new Npgsql.NpgsqlConnection(server))
        {
            await admin.OpenAsync(cancel);
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{name}\"";
            await create.ExecuteNonQueryAsync(cancel);
        }
        return new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    /// <summary>A Steadfast host on <paramref name="dataDirectory"/> with the bench workflows; <paramref name="hocon"/> overrides engine settings.</summary>
    public static IHost BuildHost(string dataDirectory, string? replica = null, TimeSpan? interval = null, string? hocon = null, string? configFile = null,
        bool acknowledgeAfterReplicated = false)
    {
        var options = configFile is null ? new SteadfastOptions { DataDirectory = dataDirectory } : SteadfastHost.LoadOptions(configFile);
        // STEADFAST_BENCH_HOCON: extra HOCON for the bench's hosts, to compare settings in one sitting.
        if (Environment.GetEnvironmentVariable("STEADFAST_BENCH_HOCON") is { Length: > 0 } extra) hocon = extra + "\n" + hocon;
        if (hocon is not null)
        {
            Directory.CreateDirectory(dataDirectory);
            options.AkkaConfigFile = Path.Combine(dataDirectory, "bench.conf");
            File.WriteAllText(options.AkkaConfigFile, hocon);
        }
        // STEADFAST_BENCH_POSTGRES: a PostgreSQL connection string, to run the same workloads on the PostgreSQL journal.
        if (OnPostgres is { } postgres) options.Storage = new StorageOptions { Provider = StorageOptions.PostgreSql, ConnectionString = postgres };
        if (replica is not null)
        {
            options.Replication = new ReplicationOptions
            {
                Enabled = true,
                MonitorInterval = interval ?? TimeSpan.FromSeconds(1),
                SyncInterval = interval ?? TimeSpan.FromSeconds(1),
                AcknowledgeAfterReplicated = acknowledgeAfterReplicated,
                Replicas = [new ReplicaOptions { Type = "file", Path = replica }],
            };
        }
        var registry = new SteadfastRegistry()
            .AddWorkflow<ThreeStepBench>().AddWorkflow<SleepThenTwoSteps>().AddWorkflow<AwaitGo>().AddWorkflow<SoakWorkflow>()
            .AddActivity<PlusOne>().AddActivity<SometimesFailing>();
        return SteadfastHost.Build(options.Validate(), registry, minimumLevel: LogLevel.Warning);
    }

    /// <summary>Every workflow must have completed with its input + 3.</summary>
    public static void Check(IEnumerable<(WorkflowStatus Status, int Input)> results)
    {
        foreach (var (status, input) in results)
            if (status.Status != ExecutionStatus.Completed || status.ResultJson != (input + 3).ToString())
                throw new InvalidOperationException($"Wrong result for {status.WorkflowId}: {status.Status} {status.ResultJson ?? status.Error}");
    }

    public static long Scalar(string db, string sql)
    {
        using var c = new SqliteConnection(ReadOnlyOpen.Shared(db, pooled: false));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    public static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>A fresh data folder under the temp directory, deleted on dispose.</summary>
    internal sealed class Scratch : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "steadfast-bench", Guid.NewGuid().ToString("N"));

        public string Database => System.IO.Path.Combine(Path, "steadfast.db");

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
