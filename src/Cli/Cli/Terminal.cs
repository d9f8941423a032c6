using Spectre.Console;

namespace Steadfast.Cli.Cli;

/// <summary>The console that people-read output goes to: colours in a terminal, plain and 200 columns wide when redirected (scripts, tests).</summary>
internal static class Terminal
{
    public static IAnsiConsole Create(TextWriter? writer = null)
    {
        var redirected = writer is not null || Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer ?? Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (redirected) console.Profile.Width = 200;
        return console;
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff");
}
