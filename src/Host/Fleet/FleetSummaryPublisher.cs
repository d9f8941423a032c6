using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Actors.Storage;
using Steadfast.Hosting.Replication;

namespace Steadfast.Hosting.Fleet;

/// <summary>
/// Writes a <see cref="FleetSummary"/> next to each replica (<c>&lt;replica folder or key prefix&gt;/steadfast-summary.json</c>;
/// a file through a temporary file and a rename, an S3 object in one PUT, so an observer never reads half of one) every
/// <see cref="FleetOptions.SummaryInterval"/> when the journal changed, and at least every ten intervals (lag and
/// stuck workflows change with time). Off when replication is off: a summary points an observer at a replica.
/// </summary>
public sealed class FleetSummaryPublisher(SteadfastOptions options, LitestreamSupervisor replication, ILogger<FleetSummaryPublisher> log) : BackgroundService
{
    private readonly Lazy<List<S3Objects>> _buckets = new(() => options.Replication.Enabled && !options.Storage.IsPostgreSql
        ? options.Replication.Replicas.Where(r => r.Type == "s3").Select(r => new S3Objects(r)).ToList() : []);
    private (long Row, string? Generation) _published = (-1, null);
    private DateTimeOffset _publishedAt;

    /// <summary>The replicas a summary is written next to (all of them, file and s3).</summary>
    public IReadOnlyList<ReplicaOptions> Targets { get; } = options.Replication.Enabled && !options.Storage.IsPostgreSql ? options.Replication.Replicas : [];

    /// <summary>The key of a summary next to an S3 replica at <paramref name="prefix"/>.</summary>
    public static string KeyFor(string? prefix) => string.IsNullOrEmpty(prefix) ? FleetSummary.FileName : $"{prefix.TrimEnd('/')}/{FleetSummary.FileName}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Targets.Count == 0) return;
        var fleet = options.Fleet;
        using var timer = new PeriodicTimer(fleet.SummaryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await TryPublishAsync(stoppingToken); // the first after one interval: the host starts first
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Stops the interval, then publishes the final state (registered before Akka, it stops after the last write).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Bounded: an unreachable bucket must not hold the host's stop (Litestream's last frames come after this).
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        if (Targets.Count > 0) await TryPublishAsync(bounded.Token);
        if (_buckets.IsValueCreated) foreach (var bucket in _buckets.Value) bucket.Dispose();
    }

    private async Task TryPublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PublishIfChangedAsync(DateTimeOffset.UtcNow, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping, or the final summary's time is up
        }
        catch (Exception e)
        {
            log.SummaryFailed(e.Message); // a hint missing for a while harms nobody; the next interval tries again
        }
    }

    /// <summary>Publishes when the journal or the replica's generation changed since the last summary, or it is ten intervals old.</summary>
    public async Task PublishIfChangedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.DatabasePath)) return;
        var fleet = options.Fleet;
        JournalReader reader;
        try
        {
            reader = JournalReader.Open(options.DatabasePath);
        }
        catch (JournalReadException e) when (e.Error == JournalReadError.NotAJournal)
        {
            return; // a new journal before its first write: the plugin has not created its tables yet
        }
        using var _ = reader;
        // One primary-key probe decides; the pass over every execution runs only when something changed.
        var generation = Generation();
        if ((reader.Newest().Row, generation) == _published && now - _publishedAt < fleet.SummaryInterval * 10) return;
        var overview = reader.Overview(now - fleet.StuckAfter, FleetSummary.MaxIds);
        var summary = new FleetSummary(FleetSummary.CurrentFormat, fleet.EffectiveHostName, fleet.Tenant, generation, now, overview.LastWriteAt,
            replication.Lag?.TotalSeconds,
            new FleetCounts(overview.Running, overview.Completed, overview.Failed, overview.Cancelled),
            new FleetFlagged(overview.FailedIds, overview.StuckIds), overview.LastRow);
        var json = summary.ToJson();
        foreach (var replica in Targets.Where(r => r.Type == "file"))
        {
            var folder = Directory.CreateDirectory(Path.GetFullPath(replica.Path!)).FullName;
            var target = Path.Combine(folder, FleetSummary.FileName);
            var temporary = target + ".tmp";
            await File.WriteAllTextAsync(temporary, json, cancellationToken);
            File.Move(temporary, target, overwrite: true);
        }
        foreach (var (replica, bucket) in Targets.Where(r => r.Type == "s3").Zip(_buckets.Value))
            await bucket.PutTextAsync(KeyFor(replica.Path), json, cancellationToken);
        (_published, _publishedAt) = ((overview.LastRow, generation), now);
    }

    // Litestream keeps the current generation's id beside the journal (.<file>-litestream/generation).
    private string? Generation()
    {
        var record = Litestream.GenerationRecord(options.DatabasePath);
        try
        {
            return File.Exists(record) ? File.ReadAllText(record).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
