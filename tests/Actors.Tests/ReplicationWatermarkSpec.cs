using Microsoft.Data.Sqlite;
using Steadfast.Actors.Replication;

namespace Steadfast.Actors.Tests;

/// <summary>
/// The WAL positions read from a real SQLite journal's -shm and -wal, and the watermark that holds acknowledgements
/// until a replica reports a covering position.
/// </summary>
public sealed class ReplicationWatermarkSpec : IDisposable
{
    private readonly SqliteJournal _journal = new();

    [Fact]
    public void Committed_position_should_be_where_the_wal_frames_end()
    {
        using var c = Open();
        Execute(c, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
        var first = WalPosition.ReadCommitted(_journal.Path)!.Value;
        Execute(c, "INSERT INTO t VALUES (randomblob(10000))");
        var second = WalPosition.ReadCommitted(_journal.Path)!.Value;

        Assert.Equal(new FileInfo(_journal.Path + "-wal").Length, second.End); // a fresh WAL: its end is the file's end
        Assert.True(second.End > first.End);
        Assert.Equal((first.Salt1, first.Salt2), (second.Salt1, second.Salt2));
        Assert.True(first.IsCoveredBy(second));
        Assert.False(second.IsCoveredBy(first));

        // A new WAL cycle, restarted by another connection (SQLite's checkpoint counter is per connection; salt-1 is not).
        using (var other = Open())
            Execute(other, "PRAGMA wal_checkpoint(TRUNCATE); INSERT INTO t VALUES (2)");
        var third = WalPosition.ReadCommitted(_journal.Path)!.Value;
        Execute(c, "PRAGMA wal_checkpoint(TRUNCATE); INSERT INTO t VALUES (3)");
        var fourth = WalPosition.ReadCommitted(_journal.Path)!.Value;

        Assert.Equal((second.Salt1 + 1, third.Salt1 + 1), (third.Salt1, fourth.Salt1));
        Assert.True(second.IsCoveredBy(third)); // a later cycle on the replica means the earlier one is there
        Assert.True(third.IsCoveredBy(fourth));
        Assert.False(fourth.IsCoveredBy(third));
        Assert.True(third.End < second.End);
    }

    [Fact]
    public void Cycles_should_be_ordered_across_the_wrap_of_salt_1()
    {
        var last = new WalPosition(uint.MaxValue, 7, 5000);
        var next = new WalPosition(0, 9, 32);

        Assert.True(last.IsCoveredBy(next));
        Assert.False(next.IsCoveredBy(last));
        Assert.False(new WalPosition(5, 1, 100).IsCoveredBy(new WalPosition(5, 2, 200))); // same salt-1, another WAL: not comparable
    }

    [Fact]
    public async Task Acknowledging_after_replication_should_hold_a_commit_until_a_covering_position_is_shipped()
    {
        using var c = Open();
        Execute(c, "CREATE TABLE t(x)");
        var shipped = WalPosition.ReadCommitted(_journal.Path)!.Value;
        var time = new ManualTime();
        var watermark = new ReplicationWatermark(_journal.Path, acknowledgeAfterReplicated: true, time);
        Execute(c, "INSERT INTO t VALUES (1)");

        var ack = watermark.CommittedAsync();
        time.Advance(TimeSpan.FromMilliseconds(250));
        watermark.Shipped(shipped); // older than the commit

        Assert.False(ack.IsCompleted);
        Assert.Equal(TimeSpan.FromMilliseconds(250), watermark.Lag);
        watermark.Shipped(WalPosition.ReadCommitted(_journal.Path)!.Value);
        await ack.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, watermark.Lag);
        Assert.True(watermark.CommittedAsync().IsCompleted); // nothing new since: already on the replica
    }

    [Fact]
    public async Task Commits_no_replica_confirmed_should_fail_when_the_host_stops_and_never_be_acknowledged()
    {
        using var c = Open();
        Execute(c, "CREATE TABLE t(x)");
        var watermark = new ReplicationWatermark(_journal.Path, acknowledgeAfterReplicated: true).Register();
        var ack = watermark.CommittedAsync();

        watermark.Unregister();

        await Assert.ThrowsAsync<ReplicationNotConfirmedException>(() => ack);
        Assert.Null(ReplicationWatermark.For(_journal.Path));
    }

    [Fact]
    public void Default_mode_should_acknowledge_at_once_and_still_measure_the_lag()
    {
        using var c = Open();
        Execute(c, "CREATE TABLE t(x)");
        var time = new ManualTime();
        var watermark = new ReplicationWatermark(_journal.Path, acknowledgeAfterReplicated: false, time);

        Assert.True(watermark.CommittedAsync().IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), watermark.Lag);
        watermark.Shipped(WalPosition.ReadCommitted(_journal.Path)!.Value);
        Assert.Equal(TimeSpan.Zero, watermark.Lag);
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection($"Data Source={_journal.Path};Pooling=False");
        c.Open();
        Execute(c, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0");
        return c;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    public void Dispose() => _journal.Dispose();
}
