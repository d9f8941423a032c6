using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

/// <summary>A real SQLite journal file in a temp folder, and actor systems running Steadfast on it.</summary>
public sealed class SqliteJournal : IJournalUnderTest
{
    public SqliteJournal()
    {
        Directory.CreateDirectory(Folder);
        JournalFile.Prepare(Path);
    }

    public string Folder { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "steadfast-tests", Guid.NewGuid().ToString("N"));

    public string Path => System.IO.Path.Combine(Folder, "steadfast.db");

    public static Config SteadfastOverrides { get; } = ConfigurationFactory.ParseString("""
        steadfast.restart-backoff { min = 100ms, max = 1s }
        akka.loglevel = INFO
        """);

    /// <summary>The actor system setup the host composes (<see cref="SteadfastActorSystem"/>), with the tests' overrides.</summary>
    public ActorSystemSetup Setup(Config? extra = null) =>
        SteadfastActorSystem.Bootstrap(Path, (extra ?? Akka.Configuration.Config.Empty).WithFallback(SteadfastOverrides));

    /// <summary>A second (or third) "host" on the same file, as after a restart.</summary>
    public TestHost StartHost(SteadfastRegistry registry, string name = "host", Config? extra = null)
    {
        var system = ActorSystem.Create(name, Setup(extra));
        var r = SteadfastActorSystem.StartRouter(system, registry, Services(), Path);
        return new TestHost(system, r, new WorkflowClient(r, TimeSpan.FromSeconds(20)));
    }

    public Task<UnfinishedWorkflows.Found> FindUnfinished() => UnfinishedWorkflows.FindAsync(Path);

    public static IServiceProvider Services() => new ServiceCollection().BuildServiceProvider();

    /// <summary>Rows of the journal table in order: (persistence id, manifest, payload text).</summary>
    public List<(string PersistenceId, string Manifest, string Payload)> Rows(string? persistenceId = null)
    {
        using var c = OpenReadOnly();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id, manifest, CAST(message AS TEXT) FROM journal" +
                          (persistenceId is null ? "" : " WHERE persistence_id = $p") + " ORDER BY ordering";
        if (persistenceId is not null) cmd.Parameters.AddWithValue("$p", persistenceId);
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string, string)>();
        while (r.Read()) rows.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        return rows;
    }

    /// <summary>SQLite's plan for <paramref name="sql"/>, its steps joined by " / ".</summary>
    public string QueryPlan(string sql)
    {
        using var c = OpenReadOnly();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var r = cmd.ExecuteReader();
        var plan = new List<string>();
        while (r.Read()) plan.Add(r.GetString(3));
        return string.Join(" / ", plan);
    }

    private SqliteConnection OpenReadOnly()
    {
        var c = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        return c;
    }

    /// <summary>Changes the file directly, as a newer version, another program or a bad disk would.</summary>
    public void Execute(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>A scalar count; 0 when the plugin has not created its tables yet (nothing was written).</summary>
    public long Count(string sql)
    {
        using var c = OpenReadOnly();
        using (var exists = c.CreateCommand())
        {
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('journal', 'snapshot')";
            if ((long)exists.ExecuteScalar()! < 2) return 0;
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
