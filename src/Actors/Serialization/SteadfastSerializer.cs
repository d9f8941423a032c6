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

    // A snapshot is a saved history: each event keeps its own manifest inside it.
    private static byte[] EncodeSnapshot(WorkflowSnapshot snapshot) => SavedHistory.ToJson(snapshot.Events);

    private static WorkflowSnapshot DecodeSnapshot(byte[] bytes) => new(SavedHistory.FromJson(bytes));
}
