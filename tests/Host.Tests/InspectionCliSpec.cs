using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Steadfast.Cli.Samples;

namespace Steadfast.Host.Tests;

/// <summary>list, history, show and replay against a journal the project wrote, through the real executable.</summary>
public sealed class InspectionCliSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-cli", Guid.NewGuid().ToString("N"));
    private static readonly string Agents = Cli.Fixture("agents.db");

    public InspectionCliSpec() => Directory.CreateDirectory(_dir);

    [Theory]
    [InlineData("list.txt", "list")]
    [InlineData("history-agent-4.txt", "history", "agent-4")]
    [InlineData("show-agent-4.txt", "show", "agent-4")]
    public void Readable_output_should_match_the_stored_text(string expected, params string[] command)
    {
        var (code, output, error) = Cli.Run([.. command, "--db", Agents]);

        Assert.True(code == 0, error);
        Assert.Equal(Cli.Expected(expected), output);
    }

    [Fact]
    public void Json_output_should_be_machine_readable()
    {
        var list = JsonDocument.Parse(Cli.Run("list", "--db", Agents, "--json").Out).RootElement;
        var history = JsonDocument.Parse(Cli.Run("history", "agent-4", "--db", Agents, "--json").Out).RootElement;
        var show = JsonDocument.Parse(Cli.Run("show", "agent-4", "--db", Agents, "--json").Out).RootElement;

        Assert.Equal(4, list.GetArrayLength());
        Assert.Equal("Completed", list[0].GetProperty("status").GetString());
        var failedAttempt = history.EnumerateArray().Single(e => e.GetProperty("event").GetString() == "ActivityAttemptFailed");
        Assert.Equal(("Summarize", 1), (failedAttempt.GetProperty("activity").GetString(), failedAttempt.GetProperty("attempt").GetInt32()));
        Assert.Contains("429 Too Many Requests", failedAttempt.GetProperty("detail").GetString());
        Assert.Equal("report:agent-4/3", show.GetProperty("result").GetProperty("reportId").GetString());
    }

    [Fact]
    public void List_should_filter_by_status_and_type_and_page()
    {
        var completed = JsonDocument.Parse(Cli.Run("list", "--db", Agents, "--json", "--status", "Completed", "--limit", "3").Out).RootElement;
        var second = JsonDocument.Parse(Cli.Run("list", "--db", Agents, "--json", "--limit", "3", "--page", "2").Out).RootElement;
        var running = JsonDocument.Parse(Cli.Run("list", "--db", Agents, "--json", "--status", "Running").Out).RootElement;
        var otherType = JsonDocument.Parse(Cli.Run("list", "--db", Agents, "--json", "--type", "Nope").Out).RootElement;

        Assert.Equal(3, completed.GetArrayLength());
        Assert.Equal("agent-1", Assert.Single(second.EnumerateArray()).GetProperty("workflowId").GetString());
        Assert.Equal(0, running.GetArrayLength());
        Assert.Equal(0, otherType.GetArrayLength());
    }

    [Fact]
    public void Replay_against_the_same_code_should_be_consistent()
    {
        var (code, output, _) = Cli.Run("replay", "agent-4", "--db", Agents, "--workflows", Cli.Executable);

        Assert.Equal(0, code);
        Assert.StartsWith("consistent: 9 event(s) of agent-4", output);
    }

    [Fact]
    public void Exported_history_should_replay_in_a_unit_test_with_the_public_replayer()
    {
        var file = Path.Combine(_dir, "agent-4.history.json");

        var (code, _, error) = Cli.Run("history", "agent-4", "--db", Agents, "--export", file);
        var outcome = Steadfast.Runtime.Replay.WorkflowReplayer.ReplaySaved(new Steadfast.Runtime.SteadfastRegistry().AddSamples(), File.ReadAllBytes(file));
        var again = Cli.Run("history", "agent-4", "--db", Agents, "--export", file); // never overwrites

        Assert.True(code == 0, error);
        Assert.Contains("Saved 9 event(s)", error);
        Assert.IsType<Steadfast.Runtime.Replay.CompletedOutcome>(outcome);
        Assert.Equal(2, again.ExitCode);
    }

    [Fact]
    public void Replay_should_find_a_planted_divergence_and_name_step_and_source()
    {
        var db = Copy(Agents);
        Execute(db, """
            UPDATE journal SET message = CAST(replace(CAST(message AS TEXT), '"activityName":"Summarize"', '"activityName":"Translate"') AS BLOB)
            WHERE persistence_id = 'workflow-agent-2' AND manifest = 'ActivityScheduled.v1'
            """);

        var (code, output, _) = Cli.Run("replay", "agent-2", "--db", db, "--workflows", Cli.Executable);
        var json = JsonDocument.Parse(Cli.Run("replay", "agent-2", "--db", db, "--workflows", Cli.Executable, "--json").Out).RootElement;

        Assert.Equal(1, code);
        Assert.Contains("DIVERGED: Nondeterminism at step 2: expected ScheduleActivity 'Translate'", output);
        Assert.Contains("the code called ScheduleActivity 'Summarize'", output);
        Assert.Matches(@"source:\s+ResearchAgent\.cs:\d+", output);
        Assert.False(json.GetProperty("consistent").GetBoolean());
        Assert.Equal(2, json.GetProperty("divergence").GetProperty("sequence").GetInt32());
    }

    [Fact]
    public void Bad_inputs_should_get_distinct_exit_codes_and_leave_the_file_unchanged()
    {
        var notSqlite = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(notSqlite, "hello");
        var foreign = Path.Combine(_dir, "foreign.db");
        Execute(foreign, "CREATE TABLE invoices(id INTEGER)");
        var newer = Copy(Agents);
        Execute(newer, "UPDATE journal SET manifest = 'ActivityCompleted.v9' WHERE persistence_id = 'workflow-agent-1' AND manifest = 'ActivityCompleted.v1'");
        var hashes = new[] { notSqlite, foreign, newer, Agents }.ToDictionary(f => f, Hash);

        var cases = new (string[] Args, int Code, string Message)[]
        {
            (["list", "--db", Path.Combine(_dir, "missing.db")], 10, "does not exist"),
            (["list", "--db", notSqlite], 11, "is not a SQLite database"),
            (["history", "x", "--db", foreign], 12, "not a Steadfast journal"),
            (["history", "agent-1", "--db", newer], 13, "Unknown history event 'ActivityCompleted.v9'"),
            (["show", "agent-99", "--db", Agents], 14, "No workflow has the id 'agent-99'"),
            (["replay", "agent-1", "--db", Agents, "--workflows", notSqlite], 15, "is not a .NET assembly"),
            (["replay", "agent-1", "--db", Agents], 2, "--workflows"), // a usage error, not "diverged" (1)
            (["list", "--db", Agents, "--page", "0"], 2, "--page starts at 1"),
            (["list", "--db", Agents, "--limit", "-5"], 2, "--limit must be 1 to 10000"),
            (["list", "--db", Agents, "--status", "Bogus"], 2, "Bogus"),
            (["show", new string('x', 10_000), "--db", Agents], 14, "…(10000 chars)"), // clipped, not echoed in full
            (["pull", "--replica", "file:///tmp/r", "--endpoint", "http://127.0.0.1:9", "-o", Path.Combine(_dir, "p.db")], 2, "--endpoint applies only to an s3:// replica URL"),
        };
        foreach (var (args, expectedCode, message) in cases)
        {
            var (code, _, error) = Cli.Run(args);
            Assert.True(code == expectedCode, $"{string.Join(' ', args)} → {code}: {error}");
            Assert.Contains(message, error);
            Assert.True(error.Length < 2_000, $"{error.Length} characters of error for {Echo(args)}");
        }
        foreach (var (file, hash) in hashes) Assert.Equal(hash, Hash(file));
    }

    private static string Echo(string[] args) => string.Join(' ', args) is var line && line.Length > 60 ? line[..60] + "…" : line;

    private string Copy(string fixture)
    {
        var copy = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");
        File.Copy(fixture, copy);
        return copy;
    }

    private static void Execute(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
