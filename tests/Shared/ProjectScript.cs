using System.Diagnostics;

namespace Steadfast.TestSupport;

/// <summary>Runs one of the project's scripts (scripts/…) to its end, for the test fixtures that start servers.</summary>
public static class ProjectScript
{
    /// <summary>Runs <c>bash scripts/<paramref name="script"/> <paramref name="args"/></c>; its output, or an error naming <paramref name="installHint"/>.</summary>
    public static string Run(string script, string installHint, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot, "scripts", script));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(90_000)) p.Kill(entireProcessTree: true);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"scripts/{script} {string.Join(' ', args)} failed ({p.ExitCode}); {installHint} {error.Result}");
        return output.Result;
    }

    /// <summary>The repository root (where Actors.sln is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Actors.sln"))) return d.FullName;
            throw new DirectoryNotFoundException("Actors.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
