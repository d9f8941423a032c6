namespace Steadfast.Runtime;

/// <summary>An activity type known to the host, with an invoker that runs one attempt on JSON payloads.</summary>
public sealed class ActivityRegistration
{
    private readonly Func<IServiceProvider, string, ActivityExecutionContext, Task<string>> _invoke;

    internal ActivityRegistration(string name, Type type, Func<IServiceProvider, string, ActivityExecutionContext, Task<string>> invoke)
    {
        Name = name;
        Type = type;
        _invoke = invoke;
    }

    /// <summary>The registered name.</summary>
    public string Name { get; }

    /// <summary>The activity class.</summary>
    public Type Type { get; }

    /// <summary>Runs one attempt: creates the activity from <paramref name="services"/>, decodes the input, encodes the result.</summary>
    public Task<string> InvokeAsync(IServiceProvider services, string inputJson, ActivityExecutionContext context) =>
        _invoke(services, inputJson, context);
}
