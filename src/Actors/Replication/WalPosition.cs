using System.Buffers.Binary;

namespace Steadfast.Actors.Replication;

/// <summary>
/// A point in a SQLite journal's write-ahead log: which WAL cycle (the header's checkpoint sequence number and salt,
/// which change each time the WAL restarts after a checkpoint) and the byte offset where the committed frames end.
/// Litestream ships the WAL in that order and names replica positions by the same cycle and offset (its shadow WAL
/// copies the real WAL's header and layout), so a commit is on the replica once a replicated position covers it.
/// </summary>
public readonly record struct WalPosition(uint CheckpointSequence, ulong Salt, long End)
{
    private const int WalHeaderBytes = 32;
    private const int FrameHeaderBytes = 24;

    /// <summary>True when everything up to this position is included in <paramref name="replicated"/>.</summary>
    public bool IsCoveredBy(WalPosition replicated) =>
        replicated.CheckpointSequence > CheckpointSequence ||
        (replicated.CheckpointSequence == CheckpointSequence && replicated.Salt == Salt && replicated.End >= End);

    /// <inheritdoc />
    public override string ToString() => $"wal cycle {CheckpointSequence}/{Salt:x16} offset {End}";

    /// <summary>
    /// The end of the commits in the journal's WAL now, from the WAL index (<c>-shm</c>: mxFrame, page size, salt) and
    /// the WAL header (checkpoint sequence). Null when there is no WAL yet, or it changed under three reads in a row.
    /// </summary>
    public static WalPosition? ReadCommitted(string databasePath)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                Span<byte> index = stackalloc byte[96];
                if (SharedMemoryFile.Handle(databasePath + "-shm") is not { } shm || RandomAccess.Read(shm, index, 0) < 96) return null;
                // SQLite keeps two copies of the index header and writes them in turn: equal copies are a consistent read.
                if (!index[..48].SequenceEqual(index[48..96])) continue;
                var pageSize = BitConverter.ToUInt16(index[14..16]);
                var frames = BitConverter.ToUInt32(index[16..20]);
                var salt = BinaryPrimitives.ReadUInt64BigEndian(index[32..40]);
                var header = ReadHeader(databasePath + "-wal");
                if (header is not { } h || h.Salt != salt) continue; // restarted between the two reads
                var page = pageSize == 1 ? 65536 : pageSize;
                return new WalPosition(h.CheckpointSequence, salt, WalHeaderBytes + frames * (long)(page + FrameHeaderBytes));
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>The cycle (checkpoint sequence, salt) in a WAL file's header; Litestream's shadow WAL files carry the same header.</summary>
    public static (uint CheckpointSequence, ulong Salt)? ReadHeader(string walPath)
    {
        Span<byte> header = stackalloc byte[WalHeaderBytes];
        try
        {
            using var wal = File.OpenHandle(walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (RandomAccess.Read(wal, header, 0) < WalHeaderBytes) return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return (BinaryPrimitives.ReadUInt32BigEndian(header[12..16]), BinaryPrimitives.ReadUInt64BigEndian(header[16..24]));
    }
}
