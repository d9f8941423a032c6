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
    public static HostProcess StartTestHost(params string[] args) => StartTestHost(null, args);

    /// <summary>Starts the test host with extra environment variables (e.g. S3 credentials).</summary>
    public static HostProcess StartTestHost(IDictionary<string, string>? environment, params string[] args) =>
        Start(Path.Combine(AppContext.BaseDirectory.Replace("EndToEnd.Tests", "EndToEnd.TestHost"), "steadfast-testhost.dll"), args, environment);

    /// <summary>Starts the real <c>steadfast</c> executable of the same build configuration.</summary>
    public static HostProcess StartSteadfast(IDictionary<string, string>? environment, params string[] args)
    {
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<config>/net10.0/
        return Start(Path.Combine(RepositoryRoot, "src", "Cli", "bin", config, "net10.0", "steadfast.dll"), args, environment);
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

    /// <summary>Runs the Litestream binary the project's install script put in tools/.</summary>
    public static HostProcess StartLitestream(IDictionary<string, string>? environment, params string[] args) =>
        Run(Path.Combine(RepositoryRoot, "tools", "litestream", "litestream"), args, environment);

    private static HostProcess Start(string dll, string[] args, IDictionary<string, string>? environment = null)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException("The host was not built", dll);
        return Run("dotnet", [dll, .. args], environment);
    }

    private static HostProcess Run(string program, string[] args, IDictionary<string, string>? environment)
    {
        if (program != "dotnet" && !File.Exists(program)) throw new FileNotFoundException("Run ./scripts/install-litestream.sh first", program);
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return new HostProcess(Process.Start(info)!);
    }

    /// <summary>SIGTERM, then waits for a graceful exit.</summary>
    public bool StopGracefully(TimeSpan timeout)
    {
        if (!_process.HasExited) Signals.Kill(_process.Id, Signals.Sigterm);
        return WaitForExit(timeout);
    }

    /// <summary>Writes one command line to the host's standard input.</summary>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
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
