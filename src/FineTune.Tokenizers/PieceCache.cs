namespace FineTune.Tokenizers;

using FineTune.Tokenizers.Bpe;

/// <summary>
/// Remembers the ids of recently merged pre-tokens (words recur constantly in text). Bounded: when
/// full it is emptied and refills with what is frequent now. One per thread, so no locking.
/// </summary>
internal sealed class PieceCache(int capacity)
{
    /// <summary>Longer pre-tokens are rare enough not to be worth keeping.</summary>
    public const int MaxPieceBytes = 64;

    private readonly Dictionary<byte[], int[]> _entries = new(ByteSequenceComparer.Instance);
    private Dictionary<byte[], int[]>.AlternateLookup<ReadOnlySpan<byte>> Lookup => _entries.GetAlternateLookup<ReadOnlySpan<byte>>();

    public bool TryGet(ReadOnlySpan<byte> piece, out int[] ids)
    {
        if (piece.Length <= MaxPieceBytes) return Lookup.TryGetValue(piece, out ids!);
        ids = [];
        return false;
    }

    public void Add(ReadOnlySpan<byte> piece, ReadOnlySpan<int> ids)
    {
        if (piece.Length > MaxPieceBytes) return;
        if (_entries.Count >= capacity) _entries.Clear();
        _entries[piece.ToArray()] = ids.ToArray();
    }
}
