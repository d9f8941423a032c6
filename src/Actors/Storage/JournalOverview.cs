namespace Steadfast.Actors.Storage;

/// <summary>A journal at a glance (<see cref="JournalReader.Overview"/>): counts by status and the ids worth a look.</summary>
/// <param name="Running">Started and not finished.</param>
/// <param name="Completed">Completed.</param>
/// <param name="Failed">Failed.</param>
/// <param name="Cancelled">Cancelled.</param>
/// <param name="FailedIds">The newest failed ids.</param>
/// <param name="StuckIds">Running ids with no event for the asked time, newest start first.</param>
/// <param name="LastWriteAt">When the newest event was journaled.</param>
/// <param name="LastRow">The newest row's ordering: unchanged means nothing was written since.</param>
public sealed record JournalOverview(long Running, long Completed, long Failed, long Cancelled, IReadOnlyList<string> FailedIds,
    IReadOnlyList<string> StuckIds, DateTimeOffset? LastWriteAt, long LastRow);
