namespace Steadfast.Cli.Samples;

/// <summary>Work durations for the samples, spread by input so that workflows finish at different times.</summary>
internal static class SampleTiming
{
    public static TimeSpan Work(string seed, int minMs, int maxMs) =>
        TimeSpan.FromMilliseconds(minMs + StableHash(seed) % (maxMs - minMs));

    // string.GetHashCode differs per process; samples must behave the same after a restart.
    public static int StableHash(string s) => s.Aggregate(17, (h, c) => unchecked(h * 31 + c)) & int.MaxValue;
}
