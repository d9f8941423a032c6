using System.Diagnostics;
using System.Threading.Channels;

namespace Steadfast.Bench;

/// <summary>
/// A <c>steadfast bench-host</c> child process seen from the bench: the lines it prints, each stamped when it
/// arrived, and a SIGKILL. Disposing kills it if it still runs.
/// </summary>
internal sealed class BenchProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<(string Line, TimeSpan At)> _lines = Channel.CreateUnbounded<(string, TimeSpan)>();
    private readonly Stopwatch _clock;

    private BenchProcess(Process process, Stopwatch clock)
    {
        _process = process;
        _clock = clock;
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Length > 0 && char.IsAsciiLetterUpper(line[0]) && line.Split(' ')[0].All(char.IsAsciiLetterUpper)) _lines.Writer.TryWrite((line, clock.Elapsed));
                else Console.Error.WriteLine(line); // the host's own log (warnings and errors): keep it visible
            }
            _lines.Writer.TryComplete();
        });
    }

    /// <summary>Starts <c>bench-host --role <paramref name="role"/></c> with <paramref name="arguments"/>; times are read on <paramref name="clock"/>.</summary>
    public static BenchProcess Start(Stopwatch clock, string role, params string[] arguments) =>
        StartCommand(clock, ["bench-host", "--role", role, .. arguments]);

    /// <summary>Starts this executable with <paramref name="arguments"/> (a hidden bench command and its options).</summary>
    public static BenchProcess StartCommand(Stopwatch clock, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(typeof(BenchProcess).Assembly.Location);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return new BenchProcess(Process.Start(info)!, clock);
    }

    /// <summary>Waits for the next line starting with <paramref name="word"/>, collecting <c>FIGURE</c> lines met on the way.</summary>
    public async Task<(string Line, TimeSpan At)> WaitForAsync(string word, TimeSpan timeout, BenchFigures? figures = null, CancellationToken cancel = default) =>
        await Read(word, timeout, figures, cancel) ?? throw new InvalidOperationException($"bench-host exited (code {ExitCode()}) before printing {word}");

    /// <summary>Collects <c>FIGURE</c> lines until the process exits; it must exit with 0.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout, BenchFigures? figures = null, CancellationToken cancel = default)
    {
        await Read(null, timeout, figures, cancel);
        if (ExitCode() != "0") throw new InvalidOperationException($"bench-host failed (exit code {ExitCode()}); its errors are above");
    }

    private async Task<(string Line, TimeSpan At)?> Read(string? word, TimeSpan timeout, BenchFigures? figures, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (!await _lines.Reader.WaitToReadAsync(deadline.Token)) return null;
                while (_lines.Reader.TryRead(out var item))
                {
                    if (item.Line.StartsWith("FIGURE ", StringComparison.Ordinal) && figures is not null)
                    {
                        var parts = item.Line.Split(' ');
                        figures.Add(parts[1], double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
                    }
                    if (word is not null && item.Line.StartsWith(word, StringComparison.Ordinal)) return item;
                }
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"bench-host did not print {word ?? "all and exit"} within {timeout}");
        }
    }

    /// <summary>The process's resident memory (VmRSS) in MB, 0 once it has exited.</summary>
    public double ResidentMb()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>SIGKILL now; returns when it is gone, with the moment the signal was sent.</summary>
    public async Task<TimeSpan> KillAsync()
    {
        var at = _clock.Elapsed;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        return at;
    }

    private string ExitCode()
    {
        _process.WaitForExit(2000);
        return _process.HasExited ? _process.ExitCode.ToString() : "still running";
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
