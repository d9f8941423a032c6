using Steadfast.Hosting;
using Steadfast.Hosting.Replication;

namespace Steadfast.Host.Tests;

public sealed class LitestreamConfigSpec
{
    [Fact]
    public void Rendered_config_should_hold_absolute_paths_intervals_and_no_secrets()
    {
        var options = new ReplicationOptions
        {
            Enabled = true,
            MonitorInterval = TimeSpan.FromMilliseconds(100),
            SyncInterval = TimeSpan.FromMilliseconds(250),
            Replicas =
            [
                new ReplicaOptions { Type = "file", Name = "local", Path = "replica" },
                new ReplicaOptions { Type = "s3", Name = "swift", Bucket = "journals", Path = "prod/steadfast", Endpoint = "http://127.0.0.1:8080" },
            ],
        };

        var yaml = LitestreamConfig.Render("/srv/data/steadfast.db", options);

        Assert.Contains("  - path: \"/srv/data/steadfast.db\"", yaml);
        Assert.Contains("    monitor-interval: 100ms", yaml);
        Assert.Contains($"        path: \"{Path.GetFullPath("replica")}\"", yaml);
        Assert.Contains("        bucket: \"journals\"", yaml);
        Assert.Contains("        endpoint: \"http://127.0.0.1:8080\"", yaml);
        Assert.Contains("        force-path-style: true", yaml);
        Assert.Equal(2, yaml.Split("sync-interval: 250ms").Length - 1);
        Assert.DoesNotContain("secret", yaml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("access-key", yaml, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_problem_should_be_named_at_once()
    {
        var options = new SteadfastOptions
        {
            DatabaseFile = "a/b.db",
            Replication = new ReplicationOptions
            {
                Enabled = true,
                SyncInterval = TimeSpan.Zero,
                Replicas = [new ReplicaOptions { Type = "file" }, new ReplicaOptions { Type = "file", Path = "x" }, new ReplicaOptions { Type = "gopher" }],
            },
        };

        var e = Assert.Throws<OptionsValidationException>(() => options.Validate());

        Assert.Contains("Steadfast:DatabaseFile must be a plain file name, got 'a/b.db'.", e.Errors);
        Assert.Contains("Steadfast:Replication:SyncInterval must be at least 10ms, got 00:00:00.", e.Errors);
        Assert.Contains("Steadfast:Replication:Replicas:0: a file replica needs Path (a folder).", e.Errors);
        Assert.Contains("Steadfast:Replication:Replicas:1: the name 'file' is used twice; give each replica a Name.", e.Errors);
        Assert.Contains("Steadfast:Replication:Replicas:2: unknown Type 'gopher' (use file or s3).", e.Errors);
    }

    [Fact]
    public void Disabled_replication_should_need_nothing()
    {
        Assert.Empty(LitestreamConfig.Validate(new ReplicationOptions { Enabled = false, Replicas = [new ReplicaOptions()] }));
    }

    [Theory]
    [InlineData("-8ms", -8)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m3.1s", 123100)]
    [InlineData("1h0m0s", 3600000)]
    [InlineData("250µs", 0.25)]
    [InlineData("0", 0)]
    public void Go_durations_should_parse(string text, double ms)
    {
        Assert.Equal(ms, GoDuration.Parse(text)!.Value.TotalMilliseconds, 3);
    }

    [Fact]
    public void Non_durations_should_not_parse() => Assert.Null(GoDuration.Parse("soon"));

    [Fact]
    public void Generations_output_should_give_the_newest_generation_per_replica()
    {
        const string output = """
            name   generation        lag    start                 end
            local  0e4a687624cd7863  -8ms   2026-11-26T09:54:44Z  2026-11-26T09:54:45Z
            local  99c4599ede484112  1.2s   2026-11-26T10:00:00Z  2026-11-26T10:01:00Z
            swift  99c4599ede484112  300ms  2026-11-26T10:00:00Z  2026-11-26T10:00:59Z
            """;

        var status = ReplicaStatus.ParseGenerations(output);

        Assert.Equal(2, status.Count);
        var local = status.Single(s => s.Replica == "local");
        Assert.Equal(("99c4599ede484112", TimeSpan.FromMilliseconds(1200)), (local.Generation, local.Lag!.Value));
        Assert.Equal(DateTimeOffset.Parse("2026-11-26T10:01:00Z"), local.LastSync);
    }
}
