using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Steadfast.Runtime.History;

namespace Steadfast.Actors.Serialization;

/// <summary>
/// Stores history events and snapshots as readable UTF-8 JSON with stable, versioned manifests, so
/// <c>sqlite3</c> shows what a workflow did and renaming a class never breaks a journal.
/// </summary>
public sealed class SteadfastSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The serializer id registered with Akka; stored with every row, never change it.</summary>
    public const int Id = 1701;

    private const string SnapshotManifest = "WorkflowSnapshot.v1";

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        HistoryEvent e => HistoryEventCodec.ManifestOf(e),
        WorkflowSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"{nameof(SteadfastSerializer)} cannot serialize {o.GetType()}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        HistoryEvent e => HistoryEventCodec.Encode(e),
        WorkflowSnapshot s => EncodeSnapshot(s),
        _ => throw new ArgumentException($"{nameof(SteadfastSerializer)} cannot serialize {obj.GetType()}."),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) =>
        manifest == SnapshotManifest ? DecodeSnapshot(bytes) : HistoryEventCodec.Decode(bytes, manifest);

    // [{"m":"ActivityCompleted.v1","e":{...}}, ...]: each event keeps its own manifest inside the snapshot.
    private static byte[] EncodeSnapshot(WorkflowSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var e in snapshot.Events)
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

    private static WorkflowSnapshot DecodeSnapshot(byte[] bytes)
    {
        using var doc = JsonDocument.Parse(bytes);
        var events = doc.RootElement.EnumerateArray()
            .Select(item => HistoryEventCodec.Decode(Encoding.UTF8.GetBytes(item.GetProperty("e").GetRawText()), item.GetProperty("m").GetString()!))
            .ToList();
        return new WorkflowSnapshot(events);
    }
}
