using System.CommandLine;
using Steadfast.Actors.Storage;
using Steadfast.Cli.Cli;
using Steadfast.Cli.Inspection;
using Steadfast.Hosting;
using Steadfast.Hosting.Replication;

var config = new Option<string?>("--config")
{
    Description = "Host options (JSON, section \"Steadfast\"). Default: config/steadfast.json when it exists.",
    DefaultValueFactory = _ => File.Exists("config/steadfast.json") ? "config/steadfast.json" : null,
    Recursive = true,
};
var root = new RootCommand("Steadfast: durable workflows on Akka.NET and one SQLite file.") { config };
root.Subcommands.Add(RunCommand.Create(config));
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(HistoryCommand.Create());
root.Subcommands.Add(ShowCommand.Create());
root.Subcommands.Add(PullCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
root.Subcommands.Add(ReplicationStatusCommand.Create(config));
root.Subcommands.Add(RestoreCommand.Create(config));
root.Subcommands.Add(FleetCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0) // a usage error is bad configuration (2); 1 means "replay diverged"
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("See 'steadfast --help'.");
    return 2;
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (ExitCodeOf(e) is { } code) // the errors a user can act on: their message, no stack trace
{
    Console.Error.WriteLine(e.Message);
    return code;
}

static int? ExitCodeOf(Exception e) => e switch
{
    OptionsValidationException or JournalFileException => 2,
    ReplicationException => 3,
    HistoryConflictException => 4,
    NewerJournalException => 6,
    JournalMigration.MigrationException => 7,
    InspectionException inspection => inspection.ExitCode,
    JournalReadException read => read.Error switch
    {
        JournalReadError.MissingFile => 10,
        JournalReadError.NotSqlite => 11,
        JournalReadError.NotAJournal => 12,
        JournalReadError.UnknownEventVersion => 13,
        _ => 14, // UnknownWorkflow
    },
    _ => null,
};
