namespace Steadfast.Actors;

/// <summary>Caller input repeated in an error message, clipped: a 10 KB id must not come back as a 10 KB message.</summary>
internal static class Echo
{
    public static string Clip(string? s) => s is null ? "(null)" : s.Length <= 40 ? s : s[..40] + $"…({s.Length} chars)";
}
