using System.CommandLine;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;

namespace Steadfast.Host.Cli;

/// <summary><c>steadfast pull</c>: restore a journal from a replica to a local file, on any machine.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var replica = new Option<string>("--replica") { Description = "A host config (steadfast.json) naming the replica, or a Litestream replica URL (file:///path, s3://bucket/path).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the database (must not exist).", Required = true };
        var command = new Command("pull", "Restore a journal from a Litestream replica to a local file for inspection.") { replica, output };
        command.SetAction(async (p, cancel) =>
        {
            var target = Path.GetFullPath(p.GetValue(output)!);
            if (File.Exists(target)) throw new OptionsValidationException([$"{target} already exists; pull writes only to a new file."]);
            var source = p.GetValue(replica)!;
            string? position;
            if (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                var options = SteadfastHost.LoadOptions(source);
                if (!options.Replication.Enabled) throw new OptionsValidationException([$"{source} does not enable replication: it names no replica."]);
                position = await Litestream.For(options).RestoreAsync(target, cancel);
            }
            else
            {
                var binary = LitestreamBinary.Find(null);
                var (code, log) = await LitestreamProcess.RunAsync(binary, ["restore", "-if-replica-exists", "-o", target, source], TimeSpan.FromMinutes(30), cancel);
                if (code != 0) throw new ReplicationException($"Pulling from {source} failed (litestream exit code {code}): {log.Trim()}");
                position = File.Exists(target) ? "restored" : null;
            }
            if (position is null)
            {
                Console.Error.WriteLine($"No replica found at {source}: nothing pulled.");
                return 4;
            }
            Console.WriteLine($"Pulled {target} ({position}). Inspect it with: steadfast list --db {target}");
            return 0;
        });
        return command;
    }
}
