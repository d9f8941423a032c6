using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steadfast.Actors;
using Steadfast.EndToEnd.TestHost;
using Steadfast.Hosting;
using Steadfast.Runtime;

// steadfast-testhost --data DIR --ledger FILE --workflows N --run R [--config steadfast.json] [--serve] [--step-ms MIN:MAX]
//   default: start N ledger workflows (idempotent), wait for all, print DONE, exit 0.
//   --serve: start them, print STARTED, then run until SIGTERM (graceful stop: Akka first, Litestream last).
var arg = ParseArgs(args);
LedgerStep.LedgerPath = arg["--ledger"];
LedgerStep.Run = arg["--run"];
if (arg.TryGetValue("--step-ms", out var range))
{
    var parts = range.Split(':');
    (LedgerStep.MinMs, LedgerStep.MaxMs) = (int.Parse(parts[0]), int.Parse(parts[1]));
}
var count = int.Parse(arg["--workflows"]);
var options = arg.TryGetValue("--config", out var config) ? SteadfastHost.LoadOptions(config) : new SteadfastOptions { DataDirectory = arg["--data"] };

using var host = SteadfastHost.Build(options, new SteadfastRegistry().AddWorkflow<LedgerWorkflow>().AddActivity<LedgerStep>());
await host.StartAsync();
var client = host.Services.GetRequiredService<WorkflowClient>();

var ids = Enumerable.Range(0, count).Select(i => $"e2e-{i}").ToList();
await Task.WhenAll(ids.Select((id, i) => client.StartAsync(id, nameof(LedgerWorkflow), i.ToString())));
Console.WriteLine("STARTED");
if (arg.ContainsKey("--serve"))
{
    await host.WaitForShutdownAsync();
    return 0;
}
var results = await Task.WhenAll(ids.Select(id => client.WaitAsync(id, TimeSpan.FromMinutes(5))));
var bad = results.Where(r => r.Status != ExecutionStatus.Completed).ToList();
Console.WriteLine(bad.Count == 0 ? $"DONE {results.Length}" : $"NOT DONE: {string.Join("; ", bad.Take(5))}");
await host.StopAsync();
return bad.Count == 0 ? 0 : 1;

static Dictionary<string, string> ParseArgs(string[] args)
{
    var map = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
        map[args[i]] = i + 1 < args.Length && !args[i + 1].StartsWith("--") ? args[++i] : "true";
    return map;
}
