namespace FineTune.Tokenizers.Bpe;

/// <summary>
/// Decides whether two adjacent parts of a pre-token merge, and with what priority: the single
/// point where tiktoken's and Hugging Face's BPE differ. The merge loop in
/// <see cref="BytePairMerge"/> always merges the lowest-ranked pair, leftmost on ties.
/// </summary>
internal interface IMergeRule
{
    /// <summary>
    /// Rank of merging the part <paramref name="leftId"/> (bytes <c>piece[leftStart..rightStart)</c>) with
    /// <paramref name="rightId"/> (<c>piece[rightStart..rightEnd)</c>), and the merged part's id;
    /// <see cref="BytePairMerge.NoMerge"/> when they do not merge.
    /// </summary>
    int Rank(ReadOnlySpan<byte> piece, int leftStart, int rightEnd, int leftId, int rightId, out int mergedId);
}

/// <summary>
/// tiktoken: two parts merge when their concatenated bytes are a token; the rank is that token's
/// rank, which is also its id.
/// </summary>
/// <remarks>Ranks at or above <paramref name="rankLimit"/> are ignored (used to find the merge that builds a given token).</remarks>
internal readonly struct ConcatenationRankRule(SymbolIndex ranks, int rankLimit = int.MaxValue) : IMergeRule
{
    public int Rank(ReadOnlySpan<byte> piece, int leftStart, int rightEnd, int leftId, int rightId, out int mergedId)
    {
        if (ranks.TryGetId(piece[leftStart..rightEnd], out mergedId) && mergedId < rankLimit) return mergedId;
        mergedId = -1;
        return BytePairMerge.NoMerge;
    }
}

/// <summary>
/// Hugging Face BPE: two parts merge when their id pair is in the merges list; the rank is the
/// pair's position in the list and the id is the vocabulary entry of the merged string.
/// </summary>
internal readonly struct MergeListRule(Dictionary<long, long> pairs) : IMergeRule
{
    public static long Key(int leftId, int rightId) => (long)leftId << 32 | (uint)rightId;

    public static long Value(int rank, int mergedId) => (long)rank << 32 | (uint)mergedId;

    public int Rank(ReadOnlySpan<byte> piece, int leftStart, int rightEnd, int leftId, int rightId, out int mergedId)
    {
        if (pairs.TryGetValue(Key(leftId, rightId), out var value))
        {
            mergedId = (int)value;
            return (int)(value >> 32);
        }
        mergedId = -1;
        return BytePairMerge.NoMerge;
    }
}
