using System.CommandLine;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast restore</c>: pull the journal from its replica to any file (the disaster drill, or a copy to inspect).</summary>
internal static class RestoreCommand
{
    public static Command Create(Option<string?> configOption)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the restored database. Default: the configured journal path (only when it is missing)." };
        var command = new Command("restore", "Restore the journal from the configured replica.") { output };
        command.SetAction(async (p, c) =>
        {
            var options = SteadfastHost.LoadOptions(p.GetValue(configOption));
            if (!options.Replication.Enabled) throw new OptionsValidationException(["Replication is not enabled in this configuration: there is no replica to restore from."]);
            var target = Path.GetFullPath(p.GetValue(output) ?? options.DatabasePath);
            if (File.Exists(target)) throw new OptionsValidationException([$"{target} already exists; restore writes only to a new file (use --output)."]);
            var position = await Litestream.For(options).RestoreAsync(p.GetValue(output), c);
            if (position is null)
            {
                Console.Error.WriteLine("No replica exists for this journal: nothing restored.");
                return 4;
            }
            Console.WriteLine($"Restored {target} ({position}).");
            return 0;
        });
        return command;
    }
}
