namespace Steadfast.Hosting.Replication;

/// <summary>Finds the Litestream binary: option, <c>STEADFAST_LITESTREAM</c>, PATH, then tools/litestream/litestream.</summary>
public static class LitestreamBinary
{
    /// <summary>The environment variable that names the binary.</summary>
    public const string EnvironmentVariable = "STEADFAST_LITESTREAM";

    /// <summary>Where the project's install script puts it, relative to the repository root.</summary>
    public const string InstalledPath = "tools/litestream/litestream";

    /// <summary>The binary's full path.</summary>
    /// <exception cref="OptionsValidationException">It is not found; the message names the install command.</exception>
    public static string Find(string? configured)
    {
        var looked = new List<string>();
        foreach (var candidate in Candidates(configured))
        {
            looked.Add(candidate);
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            if (configured is not null && candidate == configured) break; // an explicit path is not second-guessed
        }
        throw new OptionsValidationException([
            "Replication is enabled but the Litestream binary was not found (looked at: " + string.Join(", ", looked.Distinct()) + "). " +
            "Install it with ./scripts/install-litestream.sh, or set Steadfast:Replication:LitestreamPath or " + EnvironmentVariable + "."]);
    }

    private static IEnumerable<string> Candidates(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            yield return configured;
            yield break;
        }
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnv) yield return fromEnv;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            yield return Path.Combine(dir, "litestream");
        yield return Path.GetFullPath(InstalledPath);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            yield return Path.Combine(dir.FullName, InstalledPath);
    }
}
