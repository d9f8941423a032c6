namespace Steadfast.Actors.Storage;

/// <summary>One line of <c>steadfast list</c>.</summary>
/// <param name="WorkflowId">The id.</param>
/// <param name="WorkflowType">The registered workflow name.</param>
/// <param name="Status">Running, Completed, Failed, Cancelled, or Faulted (unfinished, with an event this version cannot read); Suspended is known only to a host or a replay.</param>
/// <param name="Started">When the start was journaled (null when its event cannot be read).</param>
/// <param name="Finished">When the terminal event was journaled.</param>
/// <param name="Events">Journal events so far.</param>
/// <param name="LastEvent">The newest event's name.</param>
/// <param name="Unreadable">When Faulted: which event cannot be read, and why.</param>
public sealed record ExecutionSummary(string WorkflowId, string WorkflowType, string Status, DateTimeOffset? Started, DateTimeOffset? Finished, long Events, string LastEvent,
    string? Unreadable = null);
