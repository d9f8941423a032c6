using System.Diagnostics;

namespace Steadfast.Host.Tests;

/// <summary>Runs the real `steadfast` executable built next to the tests and captures what it prints.</summary>
internal static class Cli
{
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "steadfast.dll");

    public static (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Executable);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"steadfast {string.Join(' ', args)} did not finish");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string Expected(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Expected", name));
}
