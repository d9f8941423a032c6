using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Steadfast.Analyzers;

namespace Steadfast.Runtime.Tests;

/// <summary>The determinism analyzer on workflow code compiled in memory against Steadfast.Runtime.</summary>
public sealed class DeterminismAnalyzerSpec
{
    private static async Task<List<(string Id, string Line)>> Analyze(string code)
    {
        var source = $$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Steadfast.Runtime;
            {{code}}
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Workflow<,>).Assembly.Location));
        var compilation = CSharpCompilation.Create("authors", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors)); // the snippet itself must compile
        var diagnostics = await compilation.WithAnalyzers([new DeterminismAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        var lines = source.Split('\n');
        return diagnostics.OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => (d.Id, lines[d.Location.GetLineSpan().StartLinePosition.Line].Trim())).ToList();
    }

    [Fact]
    public async Task Each_thing_replay_cannot_survive_should_be_flagged_in_a_workflow()
    {
        var found = await Analyze("""
            public sealed class Careless : Workflow<int, string>
            {
                public override async Task<string> RunAsync(WorkflowContext ctx, int input)
                {
                    var now = DateTime.UtcNow;
                    var local = DateTimeOffset.Now;
                    var id = Guid.NewGuid();
                    var dice = new Random().Next();
                    var shared = Random.Shared.Next();
                    await Task.Delay(10);
                    Thread.Sleep(1);
                    await Task.Run(() => 1);
                    await Task.CompletedTask.ConfigureAwait(false);
                    await ctx.SleepAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                    var text = System.IO.File.ReadAllText("x");
                    var home = Environment.GetEnvironmentVariable("HOME");
                    Console.WriteLine(text);
                    using var http = new System.Net.Http.HttpClient();
                    return $"{now}{local}{id}{dice}{shared}{home}";
                }
            }
            """);

        Assert.Equal(
        [
            ("STF0001", "var now = DateTime.UtcNow;"),
            ("STF0001", "var local = DateTimeOffset.Now;"),
            ("STF0002", "var id = Guid.NewGuid();"),
            ("STF0002", "var dice = new Random().Next();"),
            ("STF0002", "var shared = Random.Shared.Next();"),
            ("STF0003", "await Task.Delay(10);"),
            ("STF0003", "Thread.Sleep(1);"),
            ("STF0004", "await Task.Run(() => 1);"),
            ("STF0004", "await Task.CompletedTask.ConfigureAwait(false);"),
            ("STF0004", "await ctx.SleepAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);"),
            ("STF0005", "var text = System.IO.File.ReadAllText(\"x\");"),
            ("STF0005", "var home = Environment.GetEnvironmentVariable(\"HOME\");"),
            ("STF0005", "Console.WriteLine(text);"),
            ("STF0005", "using var http = new System.Net.Http.HttpClient();"),
        ], found);
    }

    [Fact]
    public async Task The_context_s_own_calls_and_activities_should_not_be_flagged()
    {
        var found = await Analyze("""
            public sealed class Careful : Workflow<int, string>
            {
                public override async Task<string> RunAsync(WorkflowContext ctx, int input)
                {
                    await ctx.SleepAsync(TimeSpan.FromMinutes(5));
                    var (got, note) = await ctx.WaitForSignalAsync<string>("note", TimeSpan.FromHours(1));
                    var parts = await Task.WhenAll(ctx.CallAsync<Fetch, int, string>(1), ctx.CallAsync<Fetch, int, string>(2));
                    await Task.CompletedTask.ConfigureAwait(true);
                    return $"{ctx.UtcNow}{ctx.NewGuid()}{ctx.Random.Next(0, 6)}{note}{string.Join(",", parts)}";
                }
            }

            // Activities are where side effects belong: nothing here is flagged.
            public sealed class Fetch : Activity<int, string>
            {
                public override async Task<string> ExecuteAsync(int input, ActivityExecutionContext context)
                {
                    await Task.Delay(1);
                    return $"{DateTime.UtcNow}{Guid.NewGuid()}{System.IO.File.Exists("x")}";
                }
            }
            """);

        Assert.Empty(found);
    }

    [Fact]
    public async Task Helpers_nested_in_a_workflow_and_workflows_deriving_from_workflows_should_be_checked()
    {
        var found = await Analyze("""
            public abstract class Base<T> : Workflow<T, string> { }

            public sealed class Derived : Base<int>
            {
                public override Task<string> RunAsync(WorkflowContext ctx, int input) => Task.FromResult(Helper.Stamp());

                private static class Helper
                {
                    public static string Stamp() => DateTime.Now.ToString();
                }
            }
            """);

        Assert.Equal([("STF0001", "public static string Stamp() => DateTime.Now.ToString();")], found);
    }

    [Fact]
    public async Task A_seeded_Random_and_an_activity_nested_in_a_workflow_should_not_be_flagged()
    {
        var found = await Analyze("""
            public sealed class WithItsActivity : Workflow<int, int>
            {
                public override Task<int> RunAsync(WorkflowContext ctx, int input) => Task.FromResult(new Random(input).Next());

                public sealed class Fetch : Activity<int, string>
                {
                    public override Task<string> ExecuteAsync(int input, ActivityExecutionContext context) =>
                        Task.FromResult($"{DateTime.UtcNow}{System.IO.File.Exists("x")}");
                }
            }
            """);

        Assert.Empty(found);
    }
}
