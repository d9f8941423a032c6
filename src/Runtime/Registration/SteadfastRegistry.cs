using Microsoft.Extensions.DependencyInjection;

namespace Steadfast.Runtime;

/// <summary>
/// The workflow and activity types a host can run, by name. Names are stored in the journal: renaming a
/// class is safe only when the old name is given explicitly.
/// </summary>
public sealed class SteadfastRegistry
{
    private readonly Dictionary<string, WorkflowRegistration> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityRegistration> _activities = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _activityNames = new();
    private readonly Dictionary<Type, string> _workflowNames = new();

    /// <summary>Registered workflows.</summary>
    public IReadOnlyCollection<WorkflowRegistration> Workflows => _workflows.Values;

    /// <summary>Registered activities.</summary>
    public IReadOnlyCollection<ActivityRegistration> Activities => _activities.Values;

    /// <summary>Registers a workflow class (it needs a parameterless constructor: workflows get nothing from DI, for determinism).</summary>
    /// <param name="name">The stored name; the class name when null.</param>
    public SteadfastRegistry AddWorkflow<TWorkflow>(string? name = null) where TWorkflow : class, new()
    {
        var baseType = FindGenericBase(typeof(TWorkflow), typeof(Workflow<,>))
            ?? throw new ArgumentException($"{typeof(TWorkflow).Name} does not derive from Workflow<TIn, TOut>.");
        name = CheckName(name ?? typeof(TWorkflow).Name, "workflow");
        if (_workflows.ContainsKey(name)) throw new ArgumentException($"A workflow named '{name}' is already registered.");
        _workflows[name] = new WorkflowRegistration(name, typeof(TWorkflow), baseType.GetGenericArguments()[0], () => (IWorkflow)new TWorkflow());
        _workflowNames.TryAdd(typeof(TWorkflow), name);
        return this;
    }

    /// <summary>Registers an activity class; instances are created per attempt from the host's service provider.</summary>
    /// <param name="name">The stored name; the class name when null.</param>
    public SteadfastRegistry AddActivity<TActivity>(string? name = null) where TActivity : class
    {
        var baseType = FindGenericBase(typeof(TActivity), typeof(Activity<,>))
            ?? throw new ArgumentException($"{typeof(TActivity).Name} does not derive from Activity<TIn, TOut>.");
        name = CheckName(name ?? typeof(TActivity).Name, "activity");
        if (_activities.ContainsKey(name)) throw new ArgumentException($"An activity named '{name}' is already registered.");
        var args = baseType.GetGenericArguments();
        var invoker = typeof(SteadfastRegistry).GetMethod(nameof(InvokeActivity), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(typeof(TActivity), args[0], args[1])
            .CreateDelegate<Func<IServiceProvider, string, ActivityExecutionContext, Task<string>>>();
        _activities[name] = new ActivityRegistration(name, typeof(TActivity), invoker);
        _activityNames[typeof(TActivity)] = name;
        return this;
    }

    /// <summary>Finds a workflow by its stored name.</summary>
    public bool TryGetWorkflow(string name, out WorkflowRegistration registration) =>
        _workflows.TryGetValue(name, out registration!);

    /// <summary>Finds an activity by its stored name.</summary>
    public bool TryGetActivity(string name, out ActivityRegistration registration) =>
        _activities.TryGetValue(name, out registration!);

    /// <summary>The stored name of an activity class (its class name when it is not registered).</summary>
    public string ActivityNameOf(Type activityType) =>
        _activityNames.TryGetValue(activityType, out var name) ? name : activityType.Name;

    /// <summary>The stored name of a workflow class (its class name when it is not registered).</summary>
    public string WorkflowNameOf(Type workflowType) =>
        _workflowNames.TryGetValue(workflowType, out var name) ? name : workflowType.Name;

    private static async Task<string> InvokeActivity<TActivity, TIn, TOut>(IServiceProvider services, string inputJson, ActivityExecutionContext context)
        where TActivity : Activity<TIn, TOut>
    {
        var input = PayloadCodec.Deserialize<TIn>(inputJson);
        await using var scope = services.CreateAsyncScope();
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(scope.ServiceProvider);
        var result = await activity.ExecuteAsync(input, context);
        return PayloadCodec.Serialize(result);
    }

    private static Type? FindGenericBase(Type type, Type genericBase)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == genericBase) return t;
        return null;
    }

    private static string CheckName(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            throw new ArgumentException($"A {what} name must be 1 to 200 characters, got '{name}'.");
        return name;
    }
}
