using System.Buffers.Binary;

namespace Steadfast.Actors.Replication;

/// <summary>
/// A point in a SQLite journal's write-ahead log: which WAL cycle (the header's two salts; salt-1 grows by one each
/// time the WAL restarts after a checkpoint, salt-2 is random) and the byte offset where the committed frames end.
/// Litestream ships the WAL in that order and names replica positions by the same cycle and offset (its shadow WAL
/// copies the real WAL's header and layout), so a commit is on the replica once a replicated position covers it.
/// </summary>
/// <remarks>
/// Cycles are ordered by salt-1, never by the header's checkpoint sequence number: SQLite keeps that counter per
/// connection (read from disk only at recovery), so a restart by another connection can write a smaller one.
/// </remarks>
public readonly record struct WalPosition(uint Salt1, uint Salt2, long End)
{
    private const int WalHeaderBytes = 32;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (uint, uint)> LastChecked = new();
    private const int FrameHeaderBytes = 24;

    /// <summary>True when everything up to this position is included in <paramref name="replicated"/>.</summary>
    public bool IsCoveredBy(WalPosition replicated) =>
        IsLaterCycle(replicated.Salt1, Salt1) || (replicated.Salt1 == Salt1 && replicated.Salt2 == Salt2 && replicated.End >= End);

    // Salt-1 counts WAL restarts and wraps around: "later" is a forward distance of less than half the range.
    private static bool IsLaterCycle(uint a, uint b) => a != b && a - b < 0x8000_0000u;

    /// <inheritdoc />
    public override string ToString() => $"wal cycle {Salt1:x8}-{Salt2:x8} offset {End}";

    /// <summary>
    /// The end of the commits in the journal's WAL now, from the WAL index (<c>-shm</c>: mxFrame, page size, salts) and
    /// the WAL header (the same salts: a consistent pair). Null when there is no WAL, or it restarted under every read.
    /// </summary>
    public static WalPosition? ReadCommitted(string databasePath)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (attempt > 0) Thread.Sleep(1); // a restart writes the index before the new WAL header: a moment apart
            Span<byte> index = stackalloc byte[96];
            if (SharedMemoryFile.Handle(databasePath + "-shm") is not { } shm || RandomAccess.Read(shm, index, 0) < 96) return null;
            // SQLite keeps two copies of the index header and writes them in turn: equal copies are a consistent read.
            if (!index[..48].SequenceEqual(index[48..96])) continue;
            var pageSize = BitConverter.ToUInt16(index[14..16]);
            var frames = BitConverter.ToUInt32(index[16..20]);
            var salt1 = BinaryPrimitives.ReadUInt32BigEndian(index[32..36]);
            var salt2 = BinaryPrimitives.ReadUInt32BigEndian(index[36..40]);
            // The header is read only when the index shows a cycle not yet checked: not on every commit.
            if (LastChecked.GetValueOrDefault(databasePath) != (salt1, salt2))
            {
                if (ReadHeader(databasePath + "-wal") != (salt1, salt2)) continue;
                LastChecked[databasePath] = (salt1, salt2);
            }
            var page = pageSize == 1 ? 65536 : pageSize;
            return new WalPosition(salt1, salt2, WalHeaderBytes + frames * (long)(page + FrameHeaderBytes));
        }
        return null;
    }

    /// <summary>
    /// The cycle (salt-1, salt-2) in a WAL file's header; Litestream's shadow WAL files carry the same header. The file
    /// may be opened and closed freely: SQLite keeps no locks on a WAL file (they live in <c>-shm</c>).
    /// </summary>
    public static (uint Salt1, uint Salt2)? ReadHeader(string walPath)
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
        return (BinaryPrimitives.ReadUInt32BigEndian(header[16..20]), BinaryPrimitives.ReadUInt32BigEndian(header[20..24]));
    }
}
