namespace FineTune.Engine.Layers;

/// <summary>
/// One sequence's attention in an <see cref="Attention.ForwardEach"/> call: its queries and output as a
/// stretch of shared arrays, its own key and value arrays, and its shape (batch 1).
/// </summary>
public readonly record struct AttentionWork(float[] Output, int OutputOffset, float[] Q, int QOffset, float[] K, float[] V, AttentionShape Shape);

public static partial class Attention
{
    /// <summary>
    /// Many independent sequences' attention (a serving step: each sequence with its own KV cache and
    /// query count) as one parallel loop over every (sequence, head, query block), instead of one loop
    /// per sequence — a decode step of 16 sequences is 16 × heads tiny items, and handing each
    /// sequence's few items to the worker threads separately cost more than the work. Every block is
    /// computed as <see cref="Forward(Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, AttentionShape)"/>
    /// computes it, so the results are the same bits. No log-sum-exp is kept: inference only.
    /// </summary>
    public static void ForwardEach(IReadOnlyList<AttentionWork> work)
    {
        var tiles = new Tiles(QueryTile, KeyTile);
        var firstItem = new int[work.Count + 1];
        for (var i = 0; i < work.Count; i++)
        {
            var s = work[i].Shape;
            if (s.Batch != 1) throw new ArgumentException($"Each sequence is its own batch of 1; work item {i} has batch {s.Batch}.", nameof(work));
            s.CheckLengths(s.QueryElements, work[i].K.Length, work[i].V.Length);
            if (work[i].Q.Length - work[i].QOffset < s.QueryElements || work[i].Output.Length - work[i].OutputOffset < s.QueryElements)
                throw new ArgumentException($"Work item {i}'s queries or output hold fewer than the {s.QueryElements} floats its shape needs.", nameof(work));
            firstItem[i + 1] = firstItem[i] + s.Heads * QueryBlocks(s, tiles);
        }
        LayerParallel.For(firstItem[^1], item =>
        {
            // the sequence whose items hold this one: the last start at or before it
            var i = Array.BinarySearch(firstItem, item);
            if (i < 0) i = ~i - 1;
            while (firstItem[i + 1] == item) i++; // skip sequences with no items (none today, but cheap to be right)
            var (w, s) = (work[i], work[i].Shape);
            var blocks = QueryBlocks(s, tiles);
            var local = item - firstItem[i];
            var block = blocks - 1 - local % blocks;
            ForwardBlock(w.Output.AsSpan(w.OutputOffset, s.QueryElements), default, w.Q.AsSpan(w.QOffset, s.QueryElements), w.K, w.V, s,
                0, local / blocks, block * tiles.Query, tiles);
        });
    }

    private static int QueryBlocks(AttentionShape s, Tiles tiles) => (s.QueryLength + tiles.Query - 1) / tiles.Query;
}
