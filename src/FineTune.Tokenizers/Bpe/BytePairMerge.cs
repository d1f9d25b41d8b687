namespace FineTune.Tokenizers.Bpe;

/// <summary>One part of a pre-token during merging: where it starts, its id, and the pair it forms with the next part.</summary>
internal struct Part
{
    public int Start;
    public int Id;
    public int PairRank;    // rank of merging with the next part, NoMerge if none
    public int PairId;      // id that merge would give
}

/// <summary>
/// The BPE merge loop shared by tiktoken and Hugging Face vocabularies: repeatedly merge the
/// adjacent pair of lowest rank (leftmost on ties) until no pair merges. Short pre-tokens use a
/// linear scan (tiktoken's algorithm, quadratic but fastest for the usual handful of parts);
/// long ones use a heap with lazy deletion, O(n log n), so a 100 KB run of letters stays cheap.
/// Both give identical results (tests compare them).
/// </summary>
internal static class BytePairMerge
{
    public const int NoMerge = int.MaxValue;

    /// <summary>Pre-tokens with more parts than this go to the heap version.</summary>
    public const int ScanLimit = 96;

    /// <summary>Merges <paramref name="parts"/>[0..count) of <paramref name="piece"/> in place; returns the new count.</summary>
    public static int Merge<TRule>(in TRule rule, ReadOnlySpan<byte> piece, Span<Part> parts, int count) where TRule : struct, IMergeRule
        => count <= ScanLimit ? MergeByScan(rule, piece, parts, count) : MergeByHeap(rule, piece, parts, count);

    /// <summary>The plain version: find the lowest pair by scanning, merge it, repeat.</summary>
    public static int MergeByScan<TRule>(in TRule rule, ReadOnlySpan<byte> piece, Span<Part> parts, int count) where TRule : struct, IMergeRule
    {
        for (var i = 0; i < count; i++) SetPair(rule, piece, parts, count, i);
        while (count > 1)
        {
            var best = NoMerge;
            var at = -1;
            for (var i = 0; i < count - 1; i++)
                if (parts[i].PairRank < best) { best = parts[i].PairRank; at = i; }
            if (at < 0) break;
            parts[at].Id = parts[at].PairId;
            parts[(at + 2)..count].CopyTo(parts[(at + 1)..]);
            count--;
            SetPair(rule, piece, parts, count, at);
            if (at > 0) SetPair(rule, piece, parts, count, at - 1);
        }
        return count;
    }

    private static void SetPair<TRule>(in TRule rule, ReadOnlySpan<byte> piece, Span<Part> parts, int count, int i) where TRule : struct, IMergeRule
    {
        if (i + 1 >= count)
        {
            parts[i].PairRank = NoMerge;
            return;
        }
        var end = i + 2 < count ? parts[i + 2].Start : piece.Length;
        parts[i].PairRank = rule.Rank(piece, parts[i].Start, end, parts[i].Id, parts[i + 1].Id, out parts[i].PairId);
    }

    /// <summary>
    /// The same merges for long pre-tokens: parts form a linked list and candidate pairs sit in a
    /// heap keyed by (rank, position); an entry whose part changed since it was queued is stale
    /// (its version moved on) and is skipped when popped.
    /// </summary>
    public static int MergeByHeap<TRule>(in TRule rule, ReadOnlySpan<byte> piece, Span<Part> parts, int count) where TRule : struct, IMergeRule
    {
        var next = new int[count];
        var previous = new int[count];
        var version = new int[count];
        var queue = new PriorityQueue<(int Index, int Version), long>(count);
        for (var i = 0; i < count; i++)
        {
            next[i] = i + 1 < count ? i + 1 : -1;
            previous[i] = i - 1;
        }
        for (var i = 0; i < count; i++) QueuePair(rule, piece, parts, next, version, queue, i);

        while (queue.TryDequeue(out var entry, out _))
        {
            var i = entry.Index;
            if (version[i] != entry.Version) continue;
            var right = next[i];
            parts[i].Id = parts[i].PairId;
            next[i] = next[right];
            if (next[right] >= 0) previous[next[right]] = i;
            version[right] = -1;    // removed: no entry of it is current any more
            version[i]++;
            QueuePair(rule, piece, parts, next, version, queue, i);
            if (previous[i] >= 0)
            {
                version[previous[i]]++;
                QueuePair(rule, piece, parts, next, version, queue, previous[i]);
            }
        }

        var kept = 0;
        for (var i = 0; i >= 0; i = next[i]) parts[kept++] = parts[i];
        return kept;
    }

    private static void QueuePair<TRule>(in TRule rule, ReadOnlySpan<byte> piece, Span<Part> parts, int[] next, int[] version,
        PriorityQueue<(int Index, int Version), long> queue, int i) where TRule : struct, IMergeRule
    {
        var right = next[i];
        if (right < 0) return;
        var end = next[right] >= 0 ? parts[next[right]].Start : piece.Length;
        var rank = rule.Rank(piece, parts[i].Start, end, parts[i].Id, parts[right].Id, out parts[i].PairId);
        if (rank != NoMerge) queue.Enqueue((i, version[i]), (long)rank << 32 | (uint)i);
    }
}
