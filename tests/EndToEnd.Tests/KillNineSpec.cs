using Microsoft.Data.Sqlite;

namespace Steadfast.EndToEnd.Tests;

/// <summary>The real host process killed with SIGKILL mid-flight, three times, then left to finish.</summary>
public sealed class KillNineSpec : IDisposable
{
    private const int Workflows = 200;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-e2e", Guid.NewGuid().ToString("N"));

    private string Db => Path.Combine(_dir, "data", "steadfast.db");

    private string LedgerFile => Path.Combine(_dir, "ledger.txt");

    [Fact]
    public async Task Workflows_killed_three_times_should_all_complete_correctly_without_rerunning_journaled_steps()
    {
        Directory.CreateDirectory(_dir);
        var journaledAtKill = new List<(HashSet<string> Keys, int LedgerLines)>();
        var completedSteps = 0L;

        for (var run = 1; run <= 3; run++)
        {
            using var host = Start(run);
            var target = completedSteps + 60;
            await Until(() => host.HasExited || File.Exists(Db) && StepsCompleted() >= target, TimeSpan.FromSeconds(90), host);
            host.KillHard();
            Assert.False(host.ExitCode == 0 && host.Output.Contains("DONE"), "the run finished before it could be killed:\n" + host.Output);

            completedSteps = StepsCompleted();
            journaledAtKill.Add((CompletedKeys(), LedgerLines().Length));
        }

        using (var last = Start(4))
        {
            Assert.True(last.WaitForExit(TimeSpan.FromMinutes(3)), "the last run did not finish:\n" + last.Output);
            Assert.True(last.ExitCode == 0, "the last run failed:\n" + last.Output);
        }

        // Every workflow completed once, with input + 3.
        var results = Query("SELECT persistence_id, json_extract(CAST(message AS TEXT), '$.result') FROM journal WHERE manifest = 'WorkflowCompleted.v1'");
        Assert.Equal(Workflows, results.Count);
        Assert.All(results, r => Assert.Equal(int.Parse(r[0]["workflow-e2e-".Length..]) + 3, int.Parse(r[1])));

        // A step whose result was journaled before a kill never ran again after it.
        var ledger = LedgerLines();
        foreach (var (keys, lines) in journaledAtKill)
        {
            var rerun = ledger.Skip(lines).Select(l => l.Split(' ')[1]).Where(keys.Contains).ToList();
            Assert.True(rerun.Count == 0, $"journaled steps ran again: {string.Join(", ", rerun.Take(5))}");
        }
        Assert.Equal(Workflows * 3, ledger.Select(l => l.Split(' ')[1]).Distinct().Count());
        Assert.Equal("ok", Query("PRAGMA integrity_check").Single()[0]);
    }

    private HostProcess Start(int run) =>
        HostProcess.StartTestHost(Path.Combine(_dir, "data"), LedgerFile, Workflows.ToString(), run.ToString());

    private long StepsCompleted() => long.Parse(Query("SELECT COUNT(*) FROM journal WHERE manifest = 'ActivityCompleted.v1'").Single()[0]);

    private HashSet<string> CompletedKeys() =>
        Query("SELECT persistence_id, json_extract(CAST(message AS TEXT), '$.sequence') FROM journal WHERE manifest = 'ActivityCompleted.v1'")
            .Select(r => $"{r[0]["workflow-".Length..]}/{r[1]}").ToHashSet();

    private string[] LedgerLines() => File.Exists(LedgerFile) ? File.ReadAllLines(LedgerFile).Where(l => l.Length > 0).ToArray() : [];

    private List<string[]> Query(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string[]>();
        while (r.Read()) rows.Add(Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToString(r.GetValue(i))!).ToArray());
        return rows;
    }

    private static async Task Until(Func<bool> condition, TimeSpan timeout, HostProcess host)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!SafeCheck(condition))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met; host output:\n" + host.Output);
            await Task.Delay(25);
        }
    }

    private static bool SafeCheck(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (SqliteException)
        {
            return false; // the schema is not created yet
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
