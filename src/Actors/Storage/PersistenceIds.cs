namespace Steadfast.Actors.Storage;

/// <summary>How a workflow's journal is named in the journal table: <c>workflow-{id}</c>. The one place that knows it.</summary>
public static class PersistenceIds
{
    /// <summary>The prefix of every workflow's persistence id.</summary>
    public const string Prefix = "workflow-";

    /// <summary>The persistence id of <paramref name="workflowId"/>.</summary>
    public static string Of(string workflowId) => Prefix + workflowId;

    /// <summary>The workflow id of a persistence id, or null when it is not a workflow's.</summary>
    public static string? WorkflowIdOf(string persistenceId) =>
        persistenceId.StartsWith(Prefix, StringComparison.Ordinal) ? persistenceId[Prefix.Length..] : null;
}
