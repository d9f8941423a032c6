using System.CommandLine;
using Steadfast.Actors.Storage;
using Steadfast.Host.Bench;
using Steadfast.Host.Cli;
using Steadfast.Host.Inspection;
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
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(BenchHostCommand.Create());
root.Subcommands.Add(ReplicationBench.CreateVictim());

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is OptionsValidationException or JournalFileException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (ReplicationException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
catch (InspectionException e)
{
    Console.Error.WriteLine(e.Message);
    return e.ExitCode;
}
