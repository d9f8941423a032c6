using Steadfast.Actors.Storage;

using static Steadfast.Actors.Tests.Eventually;

namespace Steadfast.Actors.Tests;

/// <summary>What the journal file holds besides the events, and the reads Steadfast runs on it directly.</summary>
public sealed class StorageSpec : IDisposable
{
    private readonly SqliteJournal _journal = new();

    [Fact]
    public void Every_journal_plugin_should_find_its_own_connection_options_by_the_plugin_id_it_is_configured_with()
    {
        // The plugin looks its options up by its configured plugin-id: a mismatch would silently drop the busy timeout
        // (and, for a tenant, point it at no file at all).
        var tenant = new TenantJournal("acme", Path.Combine(_journal.Folder, "acme.db"));
        var config = StorageConfig.ForTenant(tenant).WithFallback(SteadfastActorSystem.Config(_journal.Path)); // a tenant's own part of its plugin blocks
        var setup = Assert.IsType<Akka.Persistence.Sql.Config.MultiDataOptionsSetup>(Assert.Single(SteadfastActorSystem.Setups(_journal.Path, [tenant])));
        foreach (var (plugin, file) in new[]
                 {
                     ("akka.persistence.journal.sql", _journal.Path), ("akka.persistence.snapshot-store.sql", _journal.Path),
                     ("akka.persistence.query.journal.sql", _journal.Path),
                     (tenant.JournalPluginId, tenant.DatabasePath), (tenant.SnapshotPluginId, tenant.DatabasePath),
                 })
        {
            Assert.True(setup.TryGetDataOptionsFor(config.GetString(plugin + ".plugin-id"), out var options), plugin);
            Assert.Contains(file, options!.ConnectionOptions.ConnectionString!);
            Assert.Contains(file, config.GetString(plugin + ".connection-string"));
        }
        Assert.Equal(("akka.persistence.journal.sql-acme_2", "akka.persistence.snapshot-store.sql-acme_2"),
            ((tenant with { Incarnation = 2 }).JournalPluginId, (tenant with { Incarnation = 2 }).SnapshotPluginId)); // a new incarnation, new plugins
    }

    [Fact]
    public async Task Next_host_start_should_find_unfinished_workflows_through_the_lifecycle_indexes_with_no_tag_rows_for_starts_and_finishes()
    {
        var running = $"running-{Guid.NewGuid():N}";
        var finished = $"finished-{Guid.NewGuid():N}";
        Gates.Release(finished);
        var host = _journal.StartHost(TestRegistry.Create());
        await host.Client.StartJsonAsync(running, "ThreeSteps", "1");
        await host.Client.StartJsonAsync(finished, "ThreeSteps", "1");
        Assert.Equal(ExecutionStatus.Completed, (await host.Client.WaitAsync(finished, TimeSpan.FromSeconds(20))).Status);
        await AwaitAsync(async () => Assert.Equal(["activity GatedIncrement (step 2, attempt 1)"], (await host.Client.GetStatusAsync(running)).WaitingOn));
        await host.System.Terminate();

        JournalFile.Prepare(_journal.Path); // as the next host start does, now that the plugin has created its tables
        Assert.Equal(0, _journal.Count("SELECT COUNT(*) FROM tags"));
        Assert.Contains("INDEX steadfast_started", _journal.QueryPlan($"SELECT persistence_id FROM journal WHERE {LifecycleIndexes.Started}"));
        Assert.Contains("INDEX steadfast_finished", _journal.QueryPlan($"SELECT persistence_id FROM journal WHERE {LifecycleIndexes.Finished}"));
        var found = await _journal.FindUnfinished();
        Assert.Equal([running], found.Recover);
        Assert.Empty(found.Dormant);
        Gates.Release(running);
    }

    [Fact]
    public async Task Highest_sequence_numbers_read_together_should_each_get_their_own_id()
    {
        var host = _journal.StartHost(TestRegistry.Create());
        var ids = Enumerable.Range(0, 3).Select(i => $"seq-{i}-{Guid.NewGuid():N}").ToList();
        foreach (var id in ids) Gates.Release(id);
        foreach (var id in ids) await host.Client.StartJsonAsync(id, "ThreeSteps", "1");
        foreach (var id in ids) Assert.Equal(ExecutionStatus.Completed, (await host.Client.WaitAsync(id, TimeSpan.FromSeconds(20))).Status);
        await host.System.Terminate();

        // 600 unknown ids make the batch span two queries of 500.
        var asked = ids.Select(PersistenceIds.Of).Concat(Enumerable.Range(0, 600).Select(i => $"workflow-absent-{i}")).ToList();
        var reader = new HighestSequenceNrReader(_journal.Path);
        var answers = await Task.WhenAll(asked.Select(reader.ReadAsync));
        var expected = asked.Select(id => _journal.Count($"SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = '{id}'")).ToList();
        Assert.Equal(expected, answers);
        Assert.All(answers.Take(ids.Count), n => Assert.Equal(8, n));
    }

    public void Dispose() => _journal.Dispose();
}
