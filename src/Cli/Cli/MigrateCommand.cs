using System.CommandLine;
using System.Diagnostics;
using Steadfast.Actors.Storage;
using Steadfast.Hosting;

namespace Steadfast.Cli.Cli;

/// <summary><c>steadfast migrate</c>: copy a SQLite journal into PostgreSQL, verified, safe to run again.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The SQLite journal (stop its host first).", Required = true };
        var to = new Option<string?>("--to")
        {
            Description = $"The PostgreSQL connection string (Npgsql). Default: {StorageOptions.ConnectionStringVariable} (prefer it when the string holds a password: a command line is visible to other users).",
        };
        var resume = new Option<bool>("--continue") { Description = "Copy into a database that already holds journal rows (finish an interrupted migration): rows already there are skipped." };
        var command = new Command("migrate", "Copy a SQLite journal (journal, tags, snapshots) into PostgreSQL, then verify counts and every workflow's highest sequence number.")
            { from, to, resume };
        command.SetAction(async (p, cancel) =>
        {
            var target = p.GetValue(to) ?? Environment.GetEnvironmentVariable(StorageOptions.ConnectionStringVariable)
                ?? throw new OptionsValidationException([$"Name the PostgreSQL database with --to or {StorageOptions.ConnectionStringVariable}."]);
            var clock = Stopwatch.StartNew();
            var result = await JournalMigration.RunAsync(p.GetValue(from)!, target, p.GetValue(resume), Console.WriteLine, cancel);
            Console.WriteLine($"Migrated {result.Workflows} workflow(s) in {clock.Elapsed.TotalSeconds:0.0} s: the target holds {result.JournalRows} journal, " +
                              $"{result.TagRows} tag and {result.SnapshotRows} snapshot row(s), verified. Start the host with Steadfast:Storage:Provider = PostgreSql.");
            return 0;
        });
        return command;
    }
}
