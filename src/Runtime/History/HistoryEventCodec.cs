using System.Text;
using System.Text.Json;

namespace Steadfast.Runtime.History;

/// <summary>
/// The stored format of history events: UTF-8 JSON plus a versioned manifest (<c>ActivityCompleted.v1</c>).
/// The manifest, not the CLR type name, is what the journal keeps, so classes can move or be renamed.
/// </summary>
public static class HistoryEventCodec
{
    // Stored events of an older version lack the fields added since: those read as null, not as an error.
    private static readonly JsonSerializerOptions Options = new(PayloadCodec.Options) { RespectRequiredConstructorParameters = false };

    private static readonly Dictionary<Type, string> ManifestByType = new()
    {
        [typeof(WorkflowStarted)] = "WorkflowStarted.v1",
        [typeof(ActivityScheduled)] = "ActivityScheduled.v1",
        [typeof(ActivityAttemptFailed)] = "ActivityAttemptFailed.v1",
        [typeof(ActivityCompleted)] = "ActivityCompleted.v1",
        [typeof(ActivityFailed)] = "ActivityFailed.v1",
        [typeof(WorkflowCompleted)] = "WorkflowCompleted.v1",
        [typeof(WorkflowFailed)] = "WorkflowFailed.v1",
        [typeof(TimerStarted)] = "TimerStarted.v1",
        [typeof(TimerFired)] = "TimerFired.v1",
        [typeof(SignalReceived)] = "SignalReceived.v2",
        [typeof(ChildWorkflowStarted)] = "ChildWorkflowStarted.v1",
        [typeof(ChildWorkflowCompleted)] = "ChildWorkflowCompleted.v1",
        [typeof(ChildWorkflowFailed)] = "ChildWorkflowFailed.v1",
        [typeof(WorkflowCancelRequested)] = "WorkflowCancelRequested.v1",
        [typeof(WorkflowCancelled)] = "WorkflowCancelled.v1",
    };

    // Older versions still read (decoded into the current type).
    private static readonly Dictionary<string, Type> ReadOnlyManifests = new()
    {
        ["SignalReceived.v1"] = typeof(SignalReceived), // before signal ids
    };

    private static readonly Dictionary<string, Type> TypeByManifest =
        ManifestByType.ToDictionary(kv => kv.Value, kv => kv.Key).Concat(ReadOnlyManifests).ToDictionary();

    /// <summary>Every manifest this version can read.</summary>
    public static IReadOnlyCollection<string> KnownManifests => TypeByManifest.Keys;

    /// <summary>The stored manifest of an event.</summary>
    public static string ManifestOf(HistoryEvent e) =>
        ManifestByType.TryGetValue(e.GetType(), out var m) ? m : throw new ArgumentException($"{e.GetType().Name} is not a history event with a stored format.");

    /// <summary>The stored manifest of events of type <typeparamref name="T"/>.</summary>
    public static string ManifestOf<T>() where T : HistoryEvent => ManifestByType[typeof(T)];

    /// <summary>Encodes an event as UTF-8 JSON.</summary>
    public static byte[] Encode(HistoryEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), Options);

    /// <summary>Encodes an event as JSON text.</summary>
    public static string EncodeToString(HistoryEvent e) => Encoding.UTF8.GetString(Encode(e));

    /// <summary>Decodes an event; an unknown manifest (e.g. written by a newer version) is a specific error.</summary>
    public static HistoryEvent Decode(ReadOnlySpan<byte> json, string manifest)
    {
        if (!TypeByManifest.TryGetValue(manifest, out var type))
            throw new UnknownEventVersionException(manifest);
        return (HistoryEvent)(JsonSerializer.Deserialize(json, type, Options)
            ?? throw new JsonException($"Stored {manifest} event is JSON null."));
    }
}
