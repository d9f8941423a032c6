using System.Text.Json;
using Npgsql;

namespace Steadfast.EndToEnd.Tests;

/// <summary>
/// <see cref="KillNineSpec"/> on a real PostgreSQL (issue 17): the host process killed with SIGKILL mid-flight three
/// times, then left to finish; every workflow completes once with the right result and no journaled step runs again.
/// </summary>
public sealed class KillNineOnPostgreSqlSpec(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    private const int Workflows = 200;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-e2e-pg", Guid.NewGuid().ToString("N"));

    private string LedgerFile => Path.Combine(_dir, "ledger.txt");

    [Fact]
    public async Task Workflows_killed_three_times_on_postgresql_should_all_complete_correctly_without_rerunning_journaled_steps()
    {
        Directory.CreateDirectory(_dir);
        var database = await postgres.CreateDatabaseAsync();
        var config = Path.Combine(_dir, "steadfast.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            Steadfast = new { DataDirectory = Path.Combine(_dir, "data"), Storage = new { Provider = "PostgreSql", ConnectionString = database } },
        }));
        var journaledAtKill = new List<(HashSet<string> Keys, int LedgerLines)>();
        var completedSteps = 0L;

        for (var run = 1; run <= 3; run++)
        {
            using var host = HostProcess.StartTestHost("--config", config, "--ledger", LedgerFile, "--workflows", Workflows.ToString(),
                "--run", run.ToString(), "--step-ms", "100:2500");
            var target = completedSteps + 60;
            await Journal.Until(() => host.HasExited || Count(database, "ActivityCompleted.v1") >= target, TimeSpan.FromSeconds(90), () => host.Output);
            host.KillHard();
            Assert.False(host.ExitCode == 0 && host.Output.Contains("DONE"), "the run finished before it could be killed:\n" + host.Output);

            completedSteps = Count(database, "ActivityCompleted.v1");
            journaledAtKill.Add((CompletedKeys(database), Ledger.Lines(LedgerFile).Length));
        }

        using (var last = HostProcess.StartTestHost("--config", config, "--ledger", LedgerFile, "--workflows", Workflows.ToString(), "--run", "4", "--step-ms", "100:2500"))
        {
            Assert.True(last.WaitForExit(TimeSpan.FromMinutes(3)), "the last run did not finish:\n" + last.Output);
            Assert.True(last.ExitCode == 0, "the last run failed:\n" + last.Output);
        }

        var results = Query(database, "SELECT persistence_id, convert_from(message, 'UTF8')::json->>'result' FROM journal WHERE manifest = 'WorkflowCompleted.v1'")
            .Select(r => (Input: int.Parse(r[0]["workflow-e2e-".Length..]), Result: int.Parse(r[1]))).ToList();
        Assert.Equal(Workflows, results.Count);
        Assert.All(results, r => Assert.Equal(r.Input + 3, r.Result));
        foreach (var (keys, lines) in journaledAtKill) Ledger.AssertNotRerun(LedgerFile, keys, lines);
        Assert.Equal(Workflows * 3, Ledger.Lines(LedgerFile).Select(l => l.Split(' ')[1]).Distinct().Count());
    }

    private static long Count(string database, string manifest)
    {
        try
        {
            return long.Parse(Query(database, $"SELECT COUNT(*) FROM journal WHERE manifest = '{manifest}'").Single()[0]);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0; // before the plugin created its tables
        }
    }

    private static HashSet<string> CompletedKeys(string database) =>
        Query(database, "SELECT persistence_id, convert_from(message, 'UTF8')::json->>'sequence' FROM journal WHERE manifest = 'ActivityCompleted.v1'")
            .Select(r => $"{r[0]["workflow-".Length..]}/{r[1]}").ToHashSet();

    private static List<string[]> Query(string database, string sql)
    {
        using var c = new NpgsqlConnection(database);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string[]>();
        while (r.Read()) rows.Add(Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToString(r.GetValue(i))!).ToArray());
        return rows;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
