using System.Text;
using System.Text.Json;

namespace Steadfast.Runtime.History;

/// <summary>
/// A workflow's history as one JSON document, each event with its stored manifest:
/// <c>[{"m":"WorkflowStarted.v1","e":{…}}, …]</c>. It is what <c>steadfast history ID --export FILE</c> writes, what
/// <see cref="Replay.WorkflowReplayer"/> reads in a unit test, and how a snapshot keeps its events.
/// </summary>
public static class SavedHistory
{
    /// <summary>The document for <paramref name="events"/>.</summary>
    public static byte[] ToJson(IEnumerable<HistoryEvent> events)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                writer.WriteStartObject();
                writer.WriteString("m", HistoryEventCodec.ManifestOf(e));
                writer.WritePropertyName("e");
                writer.WriteRawValue(HistoryEventCodec.Encode(e), skipInputValidation: true);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>The events of a document written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">Not such a document.</exception>
    /// <exception cref="UnknownEventVersionException">An event this version cannot read.</exception>
    public static IReadOnlyList<HistoryEvent> FromJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException("A saved history is a JSON array of {\"m\": manifest, \"e\": event}.");
        return doc.RootElement.EnumerateArray()
            .Select(item => HistoryEventCodec.Decode(Encoding.UTF8.GetBytes(item.GetProperty("e").GetRawText()),
                item.GetProperty("m").GetString() ?? throw new JsonException("An event without its manifest (\"m\").")))
            .ToList();
    }
}
