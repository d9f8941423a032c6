namespace Steadfast.EndToEnd.Tests;

/// <summary>The test host's external record of side effects: one line "{run} {workflowId}/{step}" per execution.</summary>
internal static class Ledger
{
    public static string[] Lines(string file) => File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).ToArray() : [];

    /// <summary>No step in <paramref name="journaled"/> ran again after line <paramref name="afterLine"/>.</summary>
    public static void AssertNotRerun(string file, HashSet<string> journaled, int afterLine)
    {
        var rerun = Lines(file).Skip(afterLine).Select(l => l.Split(' ')[1]).Where(journaled.Contains).ToList();
        Assert.True(rerun.Count == 0, $"journaled steps ran again: {string.Join(", ", rerun.Take(5))}");
    }
}
