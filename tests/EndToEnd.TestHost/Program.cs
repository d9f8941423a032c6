using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steadfast.Actors;
using Steadfast.EndToEnd.TestHost;
using Steadfast.Hosting;
using Steadfast.Runtime;

// steadfast-testhost --data DIR --ledger FILE --workflows N --run R [--type LedgerWorkflow] [--id-prefix e2e] [--config steadfast.json] [--serve] [--step-ms MIN:MAX]
//   default: start N workflows e2e-0..e2e-{N-1} (idempotent), wait for all, print DONE, exit 0 if all completed.
//   --serve: start them, print STARTED, then run until SIGTERM (graceful stop: Akka first, Litestream last).
//   --stream: like --serve, and meanwhile start ledger workflows stream-1, stream-2, … without pause from 8 loops,
//             printing "ACK id" when a start is acknowledged, "DONE id result" when one completes, "REJECTED id reason".
//   stdin, one command per line: "signal ID NAME JSON" / "cancel ID REASON" → prints "OK <line>" once journaled, or "ERR <line>: message".
var arg = ParseArgs(args);
LedgerStep.LedgerPath = arg["--ledger"];
LedgerStep.Run = arg["--run"];
if (arg.TryGetValue("--step-ms", out var range))
{
    var parts = range.Split(':');
    (LedgerStep.MinMs, LedgerStep.MaxMs) = (int.Parse(parts[0]), int.Parse(parts[1]));
}
var count = int.Parse(arg["--workflows"]);
var type = arg.GetValueOrDefault("--type", nameof(LedgerWorkflow));
var options = arg.TryGetValue("--config", out var config) ? SteadfastHost.LoadOptions(config) : new SteadfastOptions { DataDirectory = arg["--data"] };
var registry = new SteadfastRegistry()
    .AddWorkflow<LedgerWorkflow>().AddWorkflow<PrimitivesWorkflow>().AddWorkflow<CancellableLedger>().AddWorkflow<TortureWorkflow>()
    .AddActivity<LedgerStep>().AddActivity<FlakyLedgerStep>();

using var host = SteadfastHost.Build(options, registry);
await host.StartAsync();
var client = host.Services.GetRequiredService<WorkflowClient>();
_ = Task.Run(() => Commands(client));

var prefix = arg.GetValueOrDefault("--id-prefix", "e2e");
var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToList();
await Task.WhenAll(ids.Select((id, i) => client.StartJsonAsync(id, type, i.ToString())));
Console.WriteLine("STARTED");
if (arg.ContainsKey("--stream"))
{
    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    var next = 0;
    for (var loop = 0; loop < 8; loop++)
        _ = Task.Run(async () =>
        {
            while (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                var id = $"stream-{Interlocked.Increment(ref next)}";
                try
                {
                    await client.StartJsonAsync(id, nameof(LedgerWorkflow), "1");
                    Console.WriteLine($"ACK {id}");
                    var status = await client.WaitAsync(id, TimeSpan.FromMinutes(1));
                    if (status.Status == ExecutionStatus.Completed) Console.WriteLine($"DONE {id} {status.ResultJson}");
                }
                catch (WorkflowStartException e)
                {
                    Console.WriteLine($"REJECTED {id} {e.Rejection.Reason}");
                    await Task.Delay(100);
                }
                catch (Exception e) when (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    Console.WriteLine($"NO ANSWER {id} {e.GetType().Name}");
                }
            }
        });
}
if (arg.ContainsKey("--serve") || arg.ContainsKey("--stream"))
{
    await host.WaitForShutdownAsync();
    return Environment.ExitCode;
}
var results = await Task.WhenAll(ids.Select(id => client.WaitAsync(id, TimeSpan.FromMinutes(5))));
var bad = results.Where(r => r.Status != ExecutionStatus.Completed).ToList();
Console.WriteLine(bad.Count == 0 ? $"DONE {results.Length}" : $"NOT DONE: {string.Join("; ", bad.Take(5))}");
await host.StopAsync();
return bad.Count == 0 ? 0 : 1;

static async Task Commands(WorkflowClient client)
{
    while (Console.ReadLine() is { } line)
    {
        var words = line.Split(' ', 4);
        try
        {
            if (words[0] == "signal") await client.SignalJsonAsync(words[1], words[2], words[3]);
            else if (words[0] == "cancel") await client.CancelAsync(words[1], string.Join(' ', words.Skip(2)));
            else throw new ArgumentException("unknown command");
            Console.WriteLine("OK " + line);
        }
        catch (Exception e)
        {
            Console.WriteLine($"ERR {line}: {e.Message}");
        }
    }
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var map = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
        map[args[i]] = i + 1 < args.Length && !args[i + 1].StartsWith("--") ? args[++i] : "true";
    return map;
}
