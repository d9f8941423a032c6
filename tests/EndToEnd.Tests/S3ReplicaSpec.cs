namespace Steadfast.EndToEnd.Tests;

/// <summary>The real Litestream binary replicating to a real S3-compatible server (Swift + s3api) on 127.0.0.1.</summary>
public sealed class S3ReplicaSpec(SwiftServer swift) : IClassFixture<SwiftServer>, IDisposable
{
    private readonly List<ReplicationDrill> _drills = [];

    private async Task<ReplicationDrill> NewDrill()
    {
        var bucket = "journals-" + Guid.NewGuid().ToString("N")[..12];
        await swift.CreateBucketAsync(bucket);
        var drill = new ReplicationDrill(new { Type = "s3", Name = "swift", Bucket = bucket, Path = "steadfast", Endpoint = swift.Endpoint },
            SwiftServer.Credentials) { Replica = (bucket, "steadfast") };
        _drills.Add(drill);
        return drill;
    }

    [Fact]
    public async Task Lost_data_folder_should_be_restored_from_s3_and_unfinished_workflows_should_finish()
    {
        var drill = await NewDrill();
        await drill.LoseTheDiskAndRestore(workflows: 40);

        // An observer with only the URL: pull names the S3-compatible endpoint, which Litestream's URL form cannot.
        var pulled = Path.Combine(drill.Folder, "pulled.db");
        var bucket = drill.Replica.Bucket;
        using var pull = HostProcess.StartSteadfast(SwiftServer.Credentials, "pull", "--replica", $"s3://{bucket}/steadfast", "--endpoint", swift.Endpoint, "-o", pulled);
        Assert.True(pull.WaitForExit(TimeSpan.FromSeconds(60)) && pull.ExitCode == 0, pull.Output);
        Assert.Equal(40, Journal.WorkflowsCompleted(pulled));
        Assert.Equal(["pulled.db"], Directory.GetFiles(drill.Folder, "pulled*").Select(Path.GetFileName).Where(f => !f!.EndsWith("-shm") && !f.EndsWith("-wal"))); // no config or scratch left beside it
    }

    [Fact]
    public async Task Host_should_keep_running_while_s3_is_down_and_the_replica_should_catch_up()
    {
        const int workflows = 30;
        var drill = await NewDrill();
        using var host = drill.Host(workflows, run: 1, serve: true, stepMs: "500:1500");
        await Journal.Until(() => Journal.StepsCompleted(drill.Db) >= 10, TimeSpan.FromSeconds(60), () => host.Output);

        swift.StopProxy();
        try
        {
            var atOutage = Journal.WorkflowsCompleted(drill.Db);
            await Journal.Until(() => Journal.WorkflowsCompleted(drill.Db) == workflows, TimeSpan.FromSeconds(90), () => host.Output);
            Assert.True(workflows > atOutage, "nothing was left to run during the outage");
        }
        finally
        {
            swift.StartProxy();
        }

        await drill.ReplicaEventuallyHolds(workflows, TimeSpan.FromSeconds(60), () => host.Output);
        Assert.False(host.HasExited, "the host died during the outage:\n" + host.Output);
        Assert.True(host.StopGracefully(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Host_should_keep_serving_while_s3_hangs_and_the_replica_should_catch_up()
    {
        const int workflows = 30;
        var drill = await NewDrill();
        using var host = drill.Host(workflows, run: 1, serve: true, stepMs: "300:900");
        await Journal.Until(() => Journal.StepsCompleted(drill.Db) >= 5, TimeSpan.FromSeconds(60), () => host.Output);

        swift.FreezeProxy();
        long during;
        try
        {
            var before = Journal.StepsCompleted(drill.Db);
            await Task.Delay(TimeSpan.FromSeconds(4));
            during = Journal.StepsCompleted(drill.Db) - before;
        }
        finally
        {
            swift.ThawProxy();
        }

        Assert.True(during > 0, "no step was journaled while S3 hung: the host waited on replication");
        await Journal.Until(() => Journal.WorkflowsCompleted(drill.Db) == workflows, TimeSpan.FromSeconds(90), () => host.Output);
        await drill.ReplicaEventuallyHolds(workflows, TimeSpan.FromSeconds(60), () => host.Output);
        Assert.True(host.StopGracefully(TimeSpan.FromSeconds(60)), host.Output);
    }

    public void Dispose()
    {
        foreach (var d in _drills) d.Dispose();
    }
}
