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
        var types = assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null).ToList();
        foreach (var t in types.Where(t => Derives(t, typeof(Workflow<,>))))
            typeof(SteadfastRegistry).GetMethod(nameof(SteadfastRegistry.AddWorkflow))!.MakeGenericMethod(t).Invoke(registry, [null]);
        foreach (var t in types.Where(t => Derives(t, typeof(Activity<,>))))
            typeof(SteadfastRegistry).GetMethod(nameof(SteadfastRegistry.AddActivity))!.MakeGenericMethod(t).Invoke(registry, [null]);
        if (registry.Workflows.Count == 0) throw new InspectionException(InspectionError.NoWorkflowCode, $"{full} holds no Workflow<TIn, TOut> class.");
        return registry;
    }

    private static bool Derives(Type type, Type generic)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == generic) return true;
        return false;
    }
}
