using System.Reflection;
using System.Runtime.Loader;
using Steadfast.Runtime;

namespace Steadfast.Cli.Inspection;

/// <summary>Loads workflow and activity classes from an assembly and registers them under their class names.</summary>
public static class WorkflowCodeLoader
{
    /// <exception cref="InspectionException">The assembly cannot be loaded or holds no workflow.</exception>
    public static SteadfastRegistry Load(string assemblyPath)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full)) throw new InspectionException(InspectionError.NoWorkflowCode, $"Workflow assembly {full} does not exist.");
        // Its dependencies come from its own folder (its deps.json when there is one), as when it runs in its host.
        lock (Resolvers)
            if (Resolvers.TryAdd(full, new AssemblyDependencyResolver(full)) && Resolvers.Count == 1)
                AssemblyLoadContext.Default.Resolving += ResolveBesideLoadedCode;
        Assembly assembly;
        try
        {
            // The default context, so that the assembly's Steadfast.Runtime types are this process's.
            assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && a.Location == full)
                       ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new InspectionException(InspectionError.NoWorkflowCode, $"{full} is not a .NET assembly that can be loaded: {e.Message}");
        }
        var registry = new SteadfastRegistry();
        var types = LoadableTypes(assembly).Where(t => t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null).ToList();
        // Registered under their class names, as a host does by default; two classes of one name (in different
        // namespaces or nested types) cannot both be, and guessing would replay the wrong code: neither is.
        foreach (var (kind, method) in new[] { (typeof(Workflow<,>), nameof(SteadfastRegistry.AddWorkflow)), (typeof(Activity<,>), nameof(SteadfastRegistry.AddActivity)) })
            foreach (var named in types.Where(t => Derives(t, kind)).GroupBy(t => t.Name))
            {
                if (named.Count() > 1)
                {
                    Console.Error.WriteLine($"skipped '{named.Key}': {string.Join(" and ", named.Select(t => t.FullName))} share that name; neither is loaded.");
                    continue;
                }
                typeof(SteadfastRegistry).GetMethod(method)!.MakeGenericMethod(named.Single()).Invoke(registry, [null]);
            }
        if (registry.Workflows.Count == 0) throw new InspectionException(InspectionError.NoWorkflowCode, $"{full} holds no Workflow<TIn, TOut> class.");
        return registry;
    }

    private static readonly Dictionary<string, AssemblyDependencyResolver> Resolvers = new();

    private static Assembly? ResolveBesideLoadedCode(AssemblyLoadContext context, AssemblyName name)
    {
        lock (Resolvers)
            foreach (var (assembly, resolver) in Resolvers)
                if ((resolver.ResolveAssemblyToPath(name) ?? Beside(assembly, name)) is { } path)
                    return context.LoadFromAssemblyPath(path);
        return null;
    }

    private static string? Beside(string assemblyPath, AssemblyName name) =>
        Path.Combine(Path.GetDirectoryName(assemblyPath)!, name.Name + ".dll") is var path && File.Exists(path) ? path : null;

    // Types that need an assembly not shipped beside it (a test framework, say) are skipped; the workflows still load.
    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static bool Derives(Type type, Type generic)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == generic) return true;
        return false;
    }
}
