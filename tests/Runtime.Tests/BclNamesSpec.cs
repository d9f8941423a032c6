using System.Diagnostics; // Activity, ActivityContext, Stopwatch: what tracing and timing put in every author's file

namespace Steadfast.Runtime.Tests;

/// <summary>The author API must compile beside System.Diagnostics (CS0104 with an 'ActivityContext' of our own).</summary>
public sealed class BclNamesSpec
{
    private sealed class TimedActivity : Activity<int, long>
    {
        public override Task<long> ExecuteAsync(int input, ActivityExecutionContext context)
        {
            var watch = Stopwatch.StartNew();
            using var span = new ActivitySource("tests").StartActivity("timed"); // System.Diagnostics.Activity
            return Task.FromResult(input + watch.ElapsedTicks * 0);
        }
    }

    [Fact]
    public async Task An_activity_written_beside_System_Diagnostics_should_compile_and_register()
    {
        var registry = new SteadfastRegistry().AddActivity<TimedActivity>("Timed");

        Assert.Contains(registry.Activities, a => a.Name == "Timed");
        Assert.Equal(3, await new TimedActivity().ExecuteAsync(3, new ActivityExecutionContext("w", "Timed", 1, 1, CancellationToken.None)));
    }
}
