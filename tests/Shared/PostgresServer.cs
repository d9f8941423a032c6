using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Steadfast.TestSupport;

/// <summary>
/// A real PostgreSQL 15 on 127.0.0.1 (scripts/postgres.sh: its own data folder, a free port, fsync on), started for a
/// test class and stopped by PID when it is disposed. Shared by the test projects that need it (linked, not referenced).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public PostgresServer()
    {
        Folder = Path.Combine(Path.GetTempPath(), "steadfast-postgres", Guid.NewGuid().ToString("N"));
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Pid = int.Parse(ProjectScript.Run("postgres.sh", PostgresMissing, "start", Folder, Port.ToString()).Trim());
    }

    public string Folder { get; }

    public int Port { get; }

    public int Pid { get; }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "steadfast_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{name}\"";
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true";

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        ProjectScript.Run("postgres.sh", PostgresMissing, "stop", Folder);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private const string PostgresMissing = "is PostgreSQL 15 installed (scripts/install-postgres.sh)?";
}
