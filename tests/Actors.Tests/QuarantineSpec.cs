using Steadfast.Actors.Storage;

using static Steadfast.Actors.Tests.Eventually;

namespace Steadfast.Actors.Tests;

/// <summary>
/// One event this version cannot read (a newer version's, corrupt JSON) faults exactly its workflow; every other
/// workflow resumes, and every request for the faulted one gets one clear answer. A real SQLite journal, changed
/// on disk between two "hosts".
/// </summary>
public sealed class QuarantineSpec : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal _journal = new();

    [Fact]
    public async Task An_unreadable_event_should_fault_only_its_workflow_and_every_other_should_finish()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var good = Enumerable.Range(0, 30).Select(i => $"good-{i}-{run}").ToList();
        var (newer, corrupt, dormant) = ($"newer-{run}", $"corrupt-{run}", $"dormant-{run}");
        await using (var first = _journal.StartHost(TestRegistry.Create(), "v1"))
        {
            foreach (var id in good.Append(newer).Append(corrupt)) await first.Client.StartJsonAsync(id, "ThreeSteps", "1");
            await first.Client.StartJsonAsync(dormant, "AddsSignal", "1");
            await AwaitAsync(async () =>
            {
                foreach (var id in good.Append(newer).Append(corrupt)) Assert.NotEmpty((await first.Client.GetStatusAsync(id)).WaitingOn);
                Assert.Equal(["signal 'add'"], (await first.Client.GetStatusAsync(dormant)).WaitingOn);
            });
        }
        // Event 3 is step 1's result: readable, it would keep step 1 from running again.
        _journal.Execute($"UPDATE journal SET manifest = 'ActivityCompleted.v99' WHERE persistence_id = 'workflow-{newer}' AND sequence_number = 3");
        _journal.Execute($"UPDATE journal SET message = CAST('{{\"truncated' AS BLOB) WHERE persistence_id = 'workflow-{corrupt}' AND sequence_number = 3");
        _journal.Execute($"UPDATE journal SET manifest = 'ActivityCompleted.v99' WHERE persistence_id = 'workflow-{dormant}' AND sequence_number = 3");
        var stepOneRuns = new[] { newer, corrupt, dormant }.ToDictionary(id => id, id => Ledger.RunsOf(id, 1));
        foreach (var id in good.Append(newer).Append(corrupt)) Gates.Release(id);

        await using var second = _journal.StartHost(TestRegistry.Create(), "v2");
        foreach (var id in good) Assert.Equal("4", (await second.Client.WaitAsync(id, Wait)).ResultJson);

        var newerStatus = await second.Client.GetStatusAsync(newer);
        Assert.Equal(ExecutionStatus.Faulted, newerStatus.Status);
        Assert.Contains($"event 3 (ActivityCompleted.v99) of workflow '{newer}' cannot be read: written by a newer Steadfast", newerStatus.Error);
        var corruptStatus = await second.Client.WaitAsync(corrupt, Wait);
        Assert.Equal(ExecutionStatus.Faulted, corruptStatus.Status);
        Assert.Contains($"event 3 (ActivityCompleted.v1) of workflow '{corrupt}' cannot be read: JsonException", corruptStatus.Error);

        // Dormant: found faulty only when a request brings it back; the request is answered, not lost.
        var signal = await Assert.ThrowsAsync<WorkflowRequestException>(() => second.Client.SignalJsonAsync(dormant, "add", "2"));
        Assert.Equal(RejectionReason.Faulted, signal.Reason);
        Assert.Contains($"event 3 (ActivityCompleted.v99) of workflow '{dormant}'", signal.Message);
        Assert.Equal(ExecutionStatus.Faulted, (await second.Client.GetStatusAsync(dormant)).Status);

        var start = await Assert.ThrowsAsync<WorkflowStartException>(() => second.Client.StartJsonAsync(newer, "ThreeSteps", "1"));
        Assert.Equal(StartRejection.Faulted, start.Rejection.Reason);
        var cancel = await Assert.ThrowsAsync<WorkflowRequestException>(() => second.Client.CancelAsync(corrupt, "stop"));
        Assert.Equal(RejectionReason.Faulted, cancel.Reason);
        Assert.Equal(3, (await second.Client.GetRuntimeStatsAsync()).Quarantined);

        foreach (var (id, runs) in stepOneRuns) Assert.Equal(runs, Ledger.RunsOf(id, 1)); // nothing of theirs ran again
        Assert.Equal(0, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id IN ('workflow-{newer}', 'workflow-{corrupt}', 'workflow-{dormant}') AND sequence_number > 4"));
    }

    [Fact]
    public void A_journal_marked_by_a_newer_format_should_be_refused_unless_allowed()
    {
        _journal.Execute($"PRAGMA user_version = {JournalFile.FormatVersion + 1}");

        var refused = Assert.Throws<NewerJournalException>(() => JournalFile.Prepare(_journal.Path));
        JournalFile.Prepare(_journal.Path, allowNewerFormat: true);

        Assert.Contains($"journal format {JournalFile.FormatVersion + 1}; this version writes format {JournalFile.FormatVersion}", refused.Message);
        Assert.Contains("--allow-newer-journal", refused.Message);
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_journal.Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var version = c.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.Equal(JournalFile.FormatVersion + 1L, (long)version.ExecuteScalar()!); // allowed, but never marked down
    }

    public void Dispose() => _journal.Dispose();
}
