namespace Steadfast.Runtime.Replay;

/// <summary>A replay did not match the journal: the workflow code changed, or it is not deterministic.</summary>
/// <param name="Sequence">The step where it diverged, when there is one.</param>
/// <param name="Expected">What the journal holds at that step.</param>
/// <param name="Actual">What the code did instead.</param>
/// <param name="Source">Where in the workflow code the diverging call was made, when known.</param>
public sealed record Divergence(int? Sequence, string Expected, string Actual, string? Source = null)
{
    /// <summary>The report shown in status and the CLI.</summary>
    public string Message =>
        (Sequence is { } s ? $"Nondeterminism at step {s}: " : "Nondeterminism: ")
        + $"expected {Expected}, but {Actual}"
        + (Source is null ? "." : $" (at {Source}).");

    /// <summary>Cuts long JSON for one-line reports.</summary>
    public static string Shorten(string json, int max = 120) =>
        json.Length <= max ? json : json[..max] + $"…({json.Length} chars)";
}
