namespace Steadfast.EndToEnd.Tests;

/// <summary>The test host's external record of side effects: one line "{run} {workflowId}/{step} {attempt}" per execution.</summary>
internal static class Ledger
{
    public static string[] Lines(string file) => File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).ToArray() : [];

    /// <summary>Crash-free: every (step, attempt) in the ledger ran exactly once.</summary>
    public static void AssertOncePerAttempt(string file)
    {
        var repeated = Lines(file).GroupBy(l => string.Join(' ', l.Split(' ')[1..])).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} ×{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, $"{repeated.Count} (step, attempt) pair(s) ran more than once without a crash: {string.Join(", ", repeated.Take(10))}");
    }

    /// <summary>No step in <paramref name="journaled"/> ran again after line <paramref name="afterLine"/>.</summary>
    public static void AssertNotRerun(string file, HashSet<string> journaled, int afterLine)
    {
        var rerun = Lines(file).Skip(afterLine).Select(l => l.Split(' ')[1]).Where(journaled.Contains).ToList();
        Assert.True(rerun.Count == 0, $"journaled steps ran again: {string.Join(", ", rerun.Take(5))}");
    }
}
