using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Steadfast.Analyzers;

/// <summary>
/// Flags, in classes derived from <c>Steadfast.Runtime.Workflow&lt;TIn, TOut&gt;</c> (and types nested in them), what a
/// replay cannot survive: the code is re-run after every crash and restart, and must take every decision the same way
/// from the journal. The engine detects escapes from its scheduler at run time; this finds them, and the values that
/// differ silently (clock, randomness, I/O), at build time.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeterminismAnalyzer : DiagnosticAnalyzer
{
    private const string Category = "Steadfast.Determinism";

    /// <summary>STF0001: the clock.</summary>
    public static readonly DiagnosticDescriptor Clock = new("STF0001", "Workflow code reads the clock",
        "'{0}' reads the clock in workflow code: a replay sees another time; use ctx.UtcNow (the journaled time)",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    /// <summary>STF0002: randomness.</summary>
    public static readonly DiagnosticDescriptor Randomness = new("STF0002", "Workflow code is random",
        "'{0}' gives another value on every run of workflow code; use ctx.Random or ctx.NewGuid() (seeded from the journal)",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    /// <summary>STF0003: waiting outside the journal.</summary>
    public static readonly DiagnosticDescriptor ForeignWait = new("STF0003", "Workflow code waits outside the journal",
        "'{0}' waits outside the journal: the workflow would suspend; use ctx.SleepAsync or ctx.CreateTimer (durable timers)",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    /// <summary>STF0004: leaving the workflow's scheduler.</summary>
    public static readonly DiagnosticDescriptor ForeignThread = new("STF0004", "Workflow code leaves its scheduler",
        "'{0}' runs workflow code off its single-threaded scheduler: the workflow would suspend; run the work in an activity (ctx.CallAsync)",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    /// <summary>STF0005: I/O.</summary>
    public static readonly DiagnosticDescriptor InputOutput = new("STF0005", "Workflow code does I/O",
        "'{0}' does I/O in workflow code: it runs again on every replay and its result is not journaled; move it into an activity",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    private static readonly ImmutableHashSet<string> IoTypes = ImmutableHashSet.Create(
        "System.IO.File", "System.IO.Directory", "System.IO.FileInfo", "System.IO.DirectoryInfo", "System.IO.FileStream",
        "System.IO.StreamReader", "System.IO.StreamWriter", "System.Console", "System.Net.Http.HttpClient", "System.Net.WebClient",
        "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient", "System.Net.Sockets.UdpClient", "System.Diagnostics.Process");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Clock, Randomness, ForeignWait, ForeignThread, InputOutput);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("Steadfast.Runtime.Workflow`2") is not { } workflow) return;
            var activity = start.Compilation.GetTypeByMetadataName("Steadfast.Runtime.Activity`2");
            start.RegisterOperationAction(c => { if (InWorkflow(c, workflow, activity)) Check(c, ((IPropertyReferenceOperation)c.Operation).Property); },
                OperationKind.PropertyReference);
            start.RegisterOperationAction(c => { if (InWorkflow(c, workflow, activity)) CheckInvocation(c, (IInvocationOperation)c.Operation); },
                OperationKind.Invocation);
            start.RegisterOperationAction(c => { if (InWorkflow(c, workflow, activity)) CheckCreation(c, (IObjectCreationOperation)c.Operation); },
                OperationKind.ObjectCreation);
        });
    }

    private static void Check(OperationAnalysisContext c, IPropertySymbol property)
    {
        var type = Name(property.ContainingType);
        var member = $"{property.ContainingType.Name}.{property.Name}";
        if (type is "System.DateTime" or "System.DateTimeOffset" && property.Name is "Now" or "UtcNow" or "Today")
            Report(c, Clock, member);
        else if (type == "System.Environment" && property.Name is "TickCount" or "TickCount64")
            Report(c, Clock, member);
        else if (type == "System.Random" && property.Name == "Shared")
            Report(c, Randomness, member);
    }

    private static void CheckInvocation(OperationAnalysisContext c, IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = Name(method.ContainingType);
        var member = $"{method.ContainingType.Name}.{method.Name}";
        switch (type, method.Name)
        {
            case ("System.Guid", "NewGuid"):
                Report(c, Randomness, member);
                break;
            case ("System.Threading.Tasks.Task", "Delay"):
            case ("System.Threading.Thread", "Sleep"):
                Report(c, ForeignWait, member);
                break;
            case ("System.Threading.Tasks.Task", "Run"):
            case ("System.Threading.Tasks.TaskFactory", "StartNew"):
            case ("System.Threading.ThreadPool", "QueueUserWorkItem" or "UnsafeQueueUserWorkItem"):
            case ("System.Threading.Tasks.Parallel", _):
                Report(c, ForeignThread, member);
                break;
            case (_, "ConfigureAwait") when invocation.Arguments.Length == 1 &&
                                            invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false }:
                Report(c, ForeignThread, "ConfigureAwait(false)");
                break;
            case ("System.Environment", "GetEnvironmentVariable" or "GetEnvironmentVariables"):
            case var _ when IoTypes.Contains(type):
                Report(c, InputOutput, member);
                break;
        }
    }

    private static void CheckCreation(OperationAnalysisContext c, IObjectCreationOperation creation)
    {
        if (creation.Type is not INamedTypeSymbol created) return;
        var type = Name(created);
        if (type == "System.Random" && creation.Arguments.Length == 0) Report(c, Randomness, "new Random"); // a seeded one repeats itself
        else if (type == "System.Threading.Thread") Report(c, ForeignThread, "new Thread");
        else if (type is "System.Threading.Timer" or "System.Timers.Timer" or "System.Threading.PeriodicTimer") Report(c, ForeignWait, $"new {created.Name}");
        else if (IoTypes.Contains(type)) Report(c, InputOutput, $"new {created.Name}");
    }

    /// <summary>
    /// True when the operation's code belongs to a workflow class or to a type nested in one, short of an activity
    /// nested there (activities are where side effects belong).
    /// </summary>
    private static bool InWorkflow(OperationAnalysisContext c, INamedTypeSymbol workflow, INamedTypeSymbol? activity)
    {
        for (var type = c.ContainingSymbol.ContainingType; type is not null; type = type.ContainingType)
        {
            if (Derives(type, activity)) return false;
            if (Derives(type, workflow)) return true;
        }
        return false;
    }

    private static bool Derives(INamedTypeSymbol type, INamedTypeSymbol? generic)
    {
        for (var b = type.BaseType; b is not null && generic is not null; b = b.BaseType)
            if (SymbolEqualityComparer.Default.Equals(b.OriginalDefinition, generic))
                return true;
        return false;
    }

    private static string Name(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None));

    private static void Report(OperationAnalysisContext c, DiagnosticDescriptor rule, string member) =>
        c.ReportDiagnostic(Diagnostic.Create(rule, c.Operation.Syntax.GetLocation(), member));
}
