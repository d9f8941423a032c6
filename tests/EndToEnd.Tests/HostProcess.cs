using System.Diagnostics;
using System.Text;

namespace Steadfast.EndToEnd.Tests;

/// <summary>A real host process started by a test; always killed by PID when disposed, also when the test fails.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the test host (built next to this test assembly's project).</summary>
    public static HostProcess StartTestHost(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory.Replace("EndToEnd.Tests", "EndToEnd.TestHost"), "steadfast-testhost.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("The end-to-end test host was not built", dll);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return new HostProcess(Process.Start(info)!);
    }

    /// <summary>kill -9: SIGKILL, no chance to flush or shut down.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // flush redirected output
        return true;
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}
