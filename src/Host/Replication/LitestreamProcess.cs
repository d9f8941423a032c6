using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Steadfast.Hosting.Replication;

/// <summary>A Litestream child process: one-shot commands, or the long-running <c>replicate</c> with its log forwarded.</summary>
public sealed partial class LitestreamProcess : IDisposable
{
    private readonly Process _process;

    private LitestreamProcess(Process process) => _process = process;

    /// <summary>The child's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Completes with the exit code when the child exits.</summary>
    public Task<int> Exited { get; private init; } = Task.FromResult(0);

    /// <summary>Starts <c>litestream {args}</c>; every output line goes to <paramref name="onLine"/>.</summary>
    public static LitestreamProcess Start(string binary, IEnumerable<string> args, Action<string> onLine)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) onLine(l); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) onLine(l); };
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // drain the redirected output first
            exited.TrySetResult(process.ExitCode);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LitestreamProcess(process) { Exited = exited.Task };
    }

    /// <summary>Runs a one-shot command and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string binary, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var output = new StringBuilder();
        using var child = Start(binary, args, line => { lock (output) output.AppendLine(line); });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var code = await child.Exited.WaitAsync(cts.Token);
            lock (output) return (code, output.ToString());
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            throw new TimeoutException($"litestream {string.Join(' ', args)} did not finish within {timeout}.");
        }
    }

    /// <summary>Asks the child to stop (SIGTERM, so Litestream ships its last frames) and kills it after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        _ = SysKill(_process.Id, Sigterm);
        try
        {
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            Kill();
        }
    }

    /// <summary>SIGKILL.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>Forwards one Litestream log line (logfmt: <c>time=… level=INFO msg=…</c>) at the matching level.</summary>
    public static void Forward(ILogger logger, string line)
    {
        var match = LevelPattern().Match(line);
        var level = match.Success ? match.Groups[1].Value : "INFO";
        var text = TimePrefix().Replace(line, "");
        var routine = text.Contains("msg=\"write wal segment\"") || text.Contains("msg=\"wal segment written\"");
        logger.Litestream(level switch
        {
            "DEBUG" => LogLevel.Debug,
            "INFO" when routine => LogLevel.Debug, // one pair per sync interval: too chatty for Information
            "WARN" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            _ => LogLevel.Information,
        }, text);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    [GeneratedRegex(@"\blevel=(\w+)")]
    private static partial Regex LevelPattern();

    [GeneratedRegex(@"^time=\S+\s+")]
    private static partial Regex TimePrefix();
}
