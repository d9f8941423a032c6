using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steadfast.Actors;
using Steadfast.EndToEnd.TestHost;
using Steadfast.Hosting;
using Steadfast.Runtime;

// steadfast-testhost <data dir> <ledger file> <workflows> <run number>
var (dataDir, ledger, count, run) = (args[0], args[1], int.Parse(args[2]), args[3]);
LedgerStep.LedgerPath = ledger;
LedgerStep.Run = run;

var options = new SteadfastOptions { DataDirectory = dataDir };
using var host = SteadfastHost.Build(options, new SteadfastRegistry().AddWorkflow<LedgerWorkflow>().AddActivity<LedgerStep>());
await host.StartAsync();
var client = host.Services.GetRequiredService<WorkflowClient>();

var ids = Enumerable.Range(0, count).Select(i => $"e2e-{i}").ToList();
await Task.WhenAll(ids.Select((id, i) => client.StartAsync(id, nameof(LedgerWorkflow), i.ToString())));
Console.WriteLine("STARTED");
var results = await Task.WhenAll(ids.Select(id => client.WaitAsync(id, TimeSpan.FromMinutes(5))));
var bad = results.Where(r => r.Status != ExecutionStatus.Completed).ToList();
Console.WriteLine(bad.Count == 0 ? $"DONE {results.Length}" : $"NOT DONE: {string.Join("; ", bad.Take(5))}");
await host.StopAsync();
return bad.Count == 0 ? 0 : 1;
