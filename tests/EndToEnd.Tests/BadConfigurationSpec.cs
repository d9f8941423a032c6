using System.Text.Json;

namespace Steadfast.EndToEnd.Tests;

/// <summary>The real `steadfast` executable refusing bad configuration before it starts anything.</summary>
public sealed class BadConfigurationSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-badcfg", Guid.NewGuid().ToString("N"));

    public BadConfigurationSpec() => Directory.CreateDirectory(_dir);

    private string DataDir => Path.Combine(_dir, "data");

    private static readonly Dictionary<string, string> S3Credentials = new()
    {
        ["LITESTREAM_ACCESS_KEY_ID"] = "test:tester",
        ["LITESTREAM_SECRET_ACCESS_KEY"] = "testing",
    };

    [Theory]
    [InlineData("""{"Type":"ftp","Path":"x"}""", "unknown Type 'ftp' (use file or s3)")]
    [InlineData("""{"Type":"s3","Endpoint":"http://127.0.0.1:9"}""", "an s3 replica needs Bucket")]
    [InlineData("""{"Type":"file"}""", "a file replica needs Path")]
    [InlineData("""{"Path":"x"}""", "Type is missing")]
    public void Invalid_replica_should_stop_the_host_with_a_specific_error_and_write_nothing(string replica, string message)
    {
        using var host = Run(Config(replica), S3Credentials);

        Assert.Equal(2, host.ExitCode);
        Assert.Contains(message, host.Output);
        Assert.False(Directory.Exists(DataDir), "a refused configuration created the data folder");
    }

    [Fact]
    public void S3_replica_without_credentials_in_the_environment_should_be_refused()
    {
        using var host = Run(Config("""{"Type":"s3","Bucket":"b","Endpoint":"http://127.0.0.1:9"}"""), null);

        Assert.Equal(2, host.ExitCode);
        Assert.Contains("needs credentials in the environment: LITESTREAM_ACCESS_KEY_ID", host.Output);
    }

    [Fact]
    public void Missing_litestream_binary_should_name_the_install_command()
    {
        using var host = Run(Config("""{"Type":"file","Path":"replica"}""", litestream: "/nonexistent/litestream"), null);

        Assert.Equal(2, host.ExitCode);
        Assert.Contains("Litestream binary was not found", host.Output);
        Assert.Contains("./scripts/install-litestream.sh", host.Output);
    }

    [Fact]
    public void Unreachable_replica_and_no_local_journal_should_refuse_to_start_empty()
    {
        using var host = Run(Config("""{"Type":"s3","Bucket":"b","Endpoint":"http://127.0.0.1:9"}"""), S3Credentials);

        Assert.Equal(3, host.ExitCode);
        Assert.Contains("was not restored, so the host does not start", host.Output);
        Assert.False(File.Exists(Path.Combine(DataDir, "steadfast.db")), "a journal was created although the restore failed");
        Assert.False(Directory.Exists(DataDir), "the refused start left its data folder (and litestream.yml) behind");
    }

    [Fact]
    public void Unreachable_replica_with_start_empty_should_run_on_a_new_journal()
    {
        using var host = Run(Config("""{"Type":"s3","Bucket":"b","Endpoint":"http://127.0.0.1:9"}""", startEmpty: true), S3Credentials, "--workflows", "2");

        Assert.True(host.ExitCode == 0, host.Output);
        Assert.Contains("Starting with an EMPTY journal", host.Output);
        Assert.Contains("2 completed", host.Output);
    }

    [Fact]
    public void Foreign_sqlite_file_should_be_refused_unchanged()
    {
        Directory.CreateDirectory(DataDir);
        var db = Path.Combine(DataDir, "steadfast.db");
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);";
            cmd.ExecuteNonQuery();
        }
        var before = File.ReadAllBytes(db);

        using var host = Run(Config(null), null);

        Assert.Equal(2, host.ExitCode);
        Assert.Contains("is a SQLite database of another program (tables: invoices)", host.Output);
        Assert.Equal(before, File.ReadAllBytes(db));
    }

    [Fact]
    public void Config_with_wrong_types_should_be_refused_with_the_key()
    {
        var path = Path.Combine(_dir, "steadfast.json");
        File.WriteAllText(path, """{"Steadfast":{"DataDirectory":"x","Replication":{"Enabled":"perhaps","MonitorInterval":"soon"}}}""");

        using var host = Run(path, null);

        Assert.Equal(2, host.ExitCode);
        Assert.Contains("Configuration cannot be read", host.Output);
        Assert.Contains("Enabled", host.Output);
    }

    [Fact]
    public void Config_that_is_not_json_should_be_refused_with_the_file_and_position()
    {
        var path = Path.Combine(_dir, "steadfast.json");
        File.WriteAllText(path, "{\n  \"Steadfast\": { \"DataDirectory\": \"x\",, }\n}");

        using var host = Run(path, null);

        Assert.True(host.ExitCode == 2, host.Output);
        Assert.Contains($"Configuration file '{path}' is not valid JSON", host.Output);
        Assert.Contains("LineNumber: 1", host.Output); // zero-based: the second line
        Assert.DoesNotContain("Unhandled exception", host.Output);
    }

    [Fact]
    public async Task Truncated_journal_should_be_refused_as_corrupt()
    {
        // A real journal, cut in half.
        using (var host = Run(Config(null), null, "--workflows", "5")) Assert.True(host.ExitCode == 0, host.Output);
        var db = Path.Combine(DataDir, "steadfast.db");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        var bytes = await File.ReadAllBytesAsync(db);
        await File.WriteAllBytesAsync(db, bytes[..(bytes.Length / 2)]);
        var before = await File.ReadAllBytesAsync(db);

        using var again = Run(Config(null), null, "--workflows", "5");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is corrupt", again.Output);
        Assert.Equal(before, await File.ReadAllBytesAsync(db));
    }

    private HostProcess Run(string config, Dictionary<string, string>? environment, params string[] extra)
    {
        var host = HostProcess.StartSteadfast(environment, ["--config", config, "run", .. extra]);
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), "the host did not exit:\n" + host.Output);
        return host;
    }

    private string Config(string? replica, string? litestream = null, bool startEmpty = false)
    {
        var path = Path.Combine(_dir, "steadfast.json");
        var replication = replica is null
            ? """{"Enabled":false}"""
            : $$"""{"Enabled":true,"LitestreamPath":{{JsonSerializer.Serialize(litestream)}},"StartEmptyIfReplicaUnreachable":{{(startEmpty ? "true" : "false")}},"Replicas":[{{replica}}]}""";
        File.WriteAllText(path, $$$"""{"Steadfast":{"DataDirectory":{{{JsonSerializer.Serialize(DataDir)}}},"Replication":{{{replication}}}}}""");
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
