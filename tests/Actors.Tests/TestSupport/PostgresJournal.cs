using Akka.Actor;
using Akka.Configuration;
using Npgsql;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

/// <summary>A new database on a real PostgreSQL (one per spec instance), and actor systems running Steadfast on it.</summary>
public sealed class PostgresJournal : IJournalUnderTest
{
    private readonly string _connectionString;

    public PostgresJournal(PostgresServer server) => _connectionString = server.CreateDatabaseAsync().GetAwaiter().GetResult();

    public TestHost StartHost(SteadfastRegistry registry, string name = "host", Config? extra = null)
    {
        var system = ActorSystem.Create(name, (extra ?? Config.Empty).WithFallback(SqliteJournal.SteadfastOverrides)
            .WithFallback(SteadfastActorSystem.PostgreSqlConfig(_connectionString)));
        var router = SteadfastActorSystem.StartPostgreSqlRouter(system, registry, SqliteJournal.Services(), _connectionString);
        return new TestHost(system, router, new WorkflowClient(router, TimeSpan.FromSeconds(20)));
    }

    public long Count(string sql)
    {
        using var c = Open();
        using (var exists = c.CreateCommand())
        {
            exists.CommandText = "SELECT to_regclass('journal') IS NOT NULL AND to_regclass('snapshot') IS NOT NULL";
            if (!(bool)exists.ExecuteScalar()!) return 0;
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    public List<(string PersistenceId, string Manifest, string Payload)> Rows(string? persistenceId = null)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id, manifest, convert_from(message, 'UTF8') FROM journal" +
                          (persistenceId is null ? "" : " WHERE persistence_id = @p") + " ORDER BY ordering";
        if (persistenceId is not null) cmd.Parameters.AddWithValue("p", persistenceId);
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string, string)>();
        while (r.Read()) rows.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        return rows;
    }

    public Task<UnfinishedWorkflows.Found> FindUnfinished() => PostgreSqlJournal.FindUnfinishedAsync(_connectionString);

    private NpgsqlConnection Open()
    {
        var c = new NpgsqlConnection(_connectionString);
        c.Open();
        return c;
    }

    public void Dispose() { }
}
