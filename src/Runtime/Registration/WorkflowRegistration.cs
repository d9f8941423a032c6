namespace Steadfast.Runtime;

/// <summary>A workflow type known to the host, under the name that start requests and the journal use.</summary>
public sealed class WorkflowRegistration
{
    private readonly Func<IWorkflow> _factory;

    internal WorkflowRegistration(string name, Type type, Type inputType, Func<IWorkflow> factory)
    {
        Name = name;
        Type = type;
        InputType = inputType;
        _factory = factory;
    }

    /// <summary>The registered name.</summary>
    public string Name { get; }

    /// <summary>The workflow class.</summary>
    public Type Type { get; }

    /// <summary>The input record type.</summary>
    public Type InputType { get; }

    internal IWorkflow Create() => _factory();
}
