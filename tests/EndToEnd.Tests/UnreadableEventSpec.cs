using System.Text.Json;
using System.Text.RegularExpressions;

namespace Steadfast.EndToEnd.Tests;

/// <summary>
/// The drill of issue 14: a host killed with workflows in flight, one event of one unfinished workflow changed to a
/// newer version's, the host started again. Every other workflow finishes; that one is Faulted, named once in the log,
/// and listed by `steadfast list --status Faulted`. The real `steadfast` executable and a kill -9.
/// </summary>
public sealed class UnreadableEventSpec : IDisposable
{
    private const int Workflows = 30;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "steadfast-unreadable", Guid.NewGuid().ToString("N"));

    private string Db => Path.Combine(_dir, "data", "steadfast.db");

    [Fact]
    public async Task One_unreadable_event_should_fault_only_its_workflow()
    {
        Directory.CreateDirectory(_dir);
        var config = Path.Combine(_dir, "steadfast.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new { Steadfast = new { DataDirectory = Path.Combine(_dir, "data"), Replication = new { Enabled = false } } }));
        using (var first = HostProcess.StartSteadfast(null, "--config", config, "run", "--workflows", Workflows.ToString()))
        {
            await Journal.Until(() => Journal.StepsCompleted(Db) >= 10, TimeSpan.FromSeconds(60), () => first.Output);
            first.KillHard();
        }
        var victim = Journal.Query(Db, """
            SELECT persistence_id FROM journal WHERE manifest = 'ActivityCompleted.v1' AND persistence_id NOT IN
              (SELECT persistence_id FROM journal WHERE manifest = 'WorkflowCompleted.v1') LIMIT 1
            """).Single()[0]["workflow-".Length..];
        Journal.Execute(Db, $"UPDATE journal SET manifest = 'ActivityCompleted.v99' WHERE persistence_id = 'workflow-{victim}' AND manifest = 'ActivityCompleted.v1'");

        using (var second = HostProcess.StartSteadfast(null, "--config", config, "run", "--workflows", Workflows.ToString()))
        {
            Assert.True(second.WaitForExit(TimeSpan.FromSeconds(120)), "the second run did not finish:\n" + second.Output);
            Assert.True(second.ExitCode == 0, second.Output);
            Assert.Contains("1 not started or faulted (see above)", second.Output);
            Assert.Contains($"{victim}: not started (Faulted)", second.Output);
            var named = Regex.Matches(second.Output, $"Workflow {victim} is FAULTED and stays so: event \\d+ \\(ActivityCompleted.v99\\)").Count;
            Assert.True(named == 1, $"named {named} times:\n{second.Output}");
            Assert.DoesNotContain("Could not list unfinished workflows", second.Output);
        }
        Assert.Equal(Workflows - 1, Journal.WorkflowsCompleted(Db));

        var (code, listed) = Steadfast("list", "--db", Db, "--status", "Faulted", "--json");
        Assert.Equal(0, code);
        var faulted = Assert.Single(JsonDocument.Parse(listed).RootElement.EnumerateArray());
        Assert.Equal(victim, faulted.GetProperty("workflowId").GetString());
        Assert.Contains("(ActivityCompleted.v99)", faulted.GetProperty("unreadable").GetString());
        Assert.Equal(0, JsonDocument.Parse(Steadfast("list", "--db", Db, "--status", "Running", "--json").Output).RootElement.GetArrayLength());
    }

    private static (int Code, string Output) Steadfast(params string[] args)
    {
        using var cli = HostProcess.StartSteadfast(null, args);
        Assert.True(cli.WaitForExit(TimeSpan.FromSeconds(60)), cli.Output);
        return (cli.ExitCode, cli.Output);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
