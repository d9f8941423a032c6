using System.Text.Json;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Storage;

/// <summary>
/// An event of one workflow that this version cannot read (written by a newer Steadfast, corrupt JSON, an unknown
/// type). It faults exactly that workflow: the others resume.
/// </summary>
public sealed record UnreadableEvent(string WorkflowId, long SequenceNr, string Manifest, string Reason)
{
    /// <summary>What the status, the log and the CLI say about it.</summary>
    public string Describe() => $"event {SequenceNr} ({Manifest}) of workflow '{WorkflowId}' cannot be read: {Reason}";

    /// <summary>An exception of the codec about the stored bytes (the same bytes fail the same way on every retry).</summary>
    public static bool IsDecodingError(Exception e) => e is UnknownEventVersionException or JsonException or NotSupportedException;

    /// <summary>Decodes one stored event, or says why it cannot be read.</summary>
    public static HistoryEvent? TryDecode(string workflowId, long sequenceNr, byte[] message, string manifest, out UnreadableEvent? unreadable)
    {
        try
        {
            unreadable = null;
            return HistoryEventCodec.Decode(message, manifest);
        }
        catch (Exception e) when (IsDecodingError(e))
        {
            unreadable = new UnreadableEvent(workflowId, sequenceNr, manifest, e is UnknownEventVersionException
                ? "written by a newer Steadfast or another program (unknown event type)"
                : $"{e.GetType().Name}: {e.Message}");
            return null;
        }
    }
}
