using System.CommandLine;
using Steadfast.Bench;
using Steadfast.Hosting;

// steadfast-bench [--workload …] [--runs 3] [--json]: the figures; bench-host and bench-victim are the processes it starts.
var bench = BenchCommand.Create();
var root = new RootCommand(bench.Description ?? "");
foreach (var option in bench.Options) root.Options.Add(option);
root.Action = bench.Action;
root.Subcommands.Add(BenchHostCommand.Create());
root.Subcommands.Add(ReplicationBench.CreateVictim());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("See 'steadfast-bench --help'.");
    return 2;
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
