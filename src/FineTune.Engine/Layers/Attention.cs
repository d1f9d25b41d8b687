using System.Buffers;
using System.Numerics.Tensors;

namespace FineTune.Engine.Layers;

/// <summary>
/// Causal grouped-query attention, softmax(q·kᵀ/√D)·v, tiled as in FlashAttention: scores exist only
/// one (key tile × query tile) block at a time, the softmax is computed online, and the forward
/// saves just the log-sum-exp of each query row so the backward can rebuild any block.
/// Layouts are those of <see cref="AttentionShape"/>.
/// </summary>
/// <remarks>
/// Blocks are held transposed — keys down, queries across — so that the per-query softmax
/// statistics are element-wise vector operations over a row of queries, and every product is a
/// <see cref="TileProduct"/> of row-major operands.
/// </remarks>
public static unsafe partial class Attention
{
    /// <summary>Queries per block; a multiple of <see cref="TileProduct.StripWidth"/>.</summary>
    internal const int QueryTile = 64;
    /// <summary>Keys per block. 64×64 blocks and the 64-wide head keep a block's working set in L2.</summary>
    internal const int KeyTile = 64;

    // q: (B,Tq,NH,D) already rotated; k, v: (B,KvCapacity,NKV,D); output: (B,Tq,NH,D);
    // logSumExp: (B,NH,Tq), saved for Backward — pass an empty span when no backward follows.
    public static void Forward(Span<float> output, Span<float> logSumExp,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, AttentionShape shape) =>
        Forward(output, logSumExp, q, k, v, shape, QueryTile, KeyTile);

    // dout, dq: (B,Tq,NH,D); dk, dv: (B,KvCapacity,NKV,D); all accumulated (+=).
    // output and logSumExp are those Forward produced from the same q, k and v.
    public static void Backward(Span<float> dq, Span<float> dk, Span<float> dv, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> output, ReadOnlySpan<float> logSumExp, AttentionShape shape) =>
        Backward(dq, dk, dv, dout, q, k, v, output, logSumExp, shape, QueryTile, KeyTile);

    /// <summary>Forward with chosen block sizes, so tests can cross block edges with tiny tensors.</summary>
    internal static void Forward(Span<float> output, Span<float> logSumExp,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, AttentionShape s, int queryTile, int keyTile)
    {
        s.CheckLengths(q.Length, k.Length, v.Length);
        AttentionShape.Require(output.Length, s.QueryElements, nameof(output));
        if (!logSumExp.IsEmpty) AttentionShape.Require(logSumExp.Length, s.LogSumExpElements, nameof(logSumExp));
        var tiles = new Tiles(queryTile, keyTile);
        var queryBlocks = (s.QueryLength + tiles.Query - 1) / tiles.Query;
        fixed (float* o = output, l = logSumExp, qp = q, kp = k, vp = v)
        {
            PinnedSpan outP = new(o, output.Length), lseP = new(l, logSumExp.Length),
                qP = new(qp, q.Length), kP = new(kp, k.Length), vP = new(vp, v.Length);
            LayerParallel.For(s.Batch * s.Heads * queryBlocks, item =>
            {
                // Later query blocks see more keys; hand them out first so the cores finish together.
                var block = queryBlocks - 1 - item % queryBlocks;
                var bh = item / queryBlocks;
                ForwardBlock(outP.Span, lseP.Span, qP.Span, kP.Span, vP.Span, s, bh / s.Heads, bh % s.Heads,
                    block * tiles.Query, tiles);
            });
        }
    }

    /// <summary>Backward with chosen block sizes (see the Forward overload).</summary>
    internal static void Backward(Span<float> dq, Span<float> dk, Span<float> dv, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> output, ReadOnlySpan<float> logSumExp, AttentionShape s, int queryTile, int keyTile)
    {
        s.CheckLengths(q.Length, k.Length, v.Length);
        s.CheckLengths(dq.Length, dk.Length, dv.Length, nameof(dq), nameof(dk), nameof(dv));
        AttentionShape.Require(dout.Length, s.QueryElements, nameof(dout));
        AttentionShape.Require(output.Length, s.QueryElements, nameof(output));
        AttentionShape.Require(logSumExp.Length, s.LogSumExpElements, nameof(logSumExp));
        var tiles = new Tiles(queryTile, keyTile);
        fixed (float* dqp = dq, dkp = dk, dvp = dv, dop = dout, qp = q, kp = k, vp = v, op = output, lp = logSumExp)
        {
            PinnedSpan dqP = new(dqp, dq.Length), dkP = new(dkp, dk.Length), dvP = new(dvp, dv.Length),
                doutP = new(dop, dout.Length), qP = new(qp, q.Length), kP = new(kp, k.Length), vP = new(vp, v.Length),
                outP = new(op, output.Length), lseP = new(lp, logSumExp.Length);
            // One item per (b, kv head): the heads of a group all add into the same dk and dv rows, so
            // giving a group to one core keeps the sums race-free and their order fixed.
            LayerParallel.For(s.Batch * s.KvHeads, item =>
                BackwardGroup(dqP.Span, dkP.Span, dvP.Span, doutP.Span, qP.Span, kP.Span, vP.Span, outP.Span, lseP.Span,
                    s, item / s.KvHeads, item % s.KvHeads, tiles));
        }
    }

    /// <summary>Block sizes; the query size is rounded up to whole strips, as transposed blocks are read a strip at a time.</summary>
    readonly record struct Tiles
    {
        public Tiles(int query, int key)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(query, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(key, 1);
            Query = RoundUpToStrip(query);
            Key = key;
        }

        public int Query { get; }
        public int Key { get; }
    }

    static int RoundUpToStrip(int n) => (n + TileProduct.StripWidth - 1) / TileProduct.StripWidth * TileProduct.StripWidth;

    /// <summary>Queries i0 … i0+bq−1 of head h in batch row b, against every key they can see.</summary>
    static void ForwardBlock(Span<float> output, Span<float> logSumExp, ReadOnlySpan<float> q, ReadOnlySpan<float> k,
        ReadOnlySpan<float> v, AttentionShape s, int b, int h, int i0, Tiles tiles)
    {
        int d = s.HeadDim, width = tiles.Query, qStride = s.Heads * d, kvStride = s.KvHeads * d;
        int bq = Math.Min(width, s.QueryLength - i0), cols = RoundUpToStrip(bq);
        int qBase = s.QueryOffsetOf(b, h) + i0 * qStride, kvBase = s.KvOffset(b, h / s.GroupSize);
        if (bq == 1)
        {
            ForwardSingleQuery(output, logSumExp, q, k, v, s, b, h, i0);
            return;
        }

        var rented = ArrayPool<float>.Shared.Rent(d * width + tiles.Key * width + bq * d + 3 * width);
        try
        {
            var scratch = rented.AsSpan();
            var queriesT = Take(ref scratch, d * width);      // (D, queries), pre-scaled by 1/√D
            var scoresT = Take(ref scratch, tiles.Key * width); // (keys, queries): scores, then probabilities
            var acc = Take(ref scratch, bq * d);               // (queries, D): unnormalised output
            var max = Take(ref scratch, width)[..cols];        // running max of each query's scores
            var sum = Take(ref scratch, width)[..cols];        // running Σ exp(score − max)
            var blockMax = Take(ref scratch, width)[..cols];

            Transpose(q[qBase..], qStride, bq, d, s.Scale, queriesT, width, cols);
            max.Fill(float.NegativeInfinity);
            sum.Clear();
            acc.Clear();
            var lastKey = s.QueryOffset + i0 + bq - 1;
            for (var j0 = 0; j0 <= lastKey; j0 += tiles.Key)
            {
                var bk = Math.Min(tiles.Key, lastKey + 1 - j0);
                var kvBlock = kvBase + j0 * kvStride;
                Scores(scoresT, width, k[kvBlock..], kvStride, queriesT, width, bk, cols, d, j0 - s.QueryOffset - i0);

                // Online softmax: raise the running max, rescale what was summed under the old one.
                scoresT[..cols].CopyTo(blockMax);
                for (var jj = 1; jj < bk; jj++) TensorPrimitives.Max(blockMax, scoresT.Slice(jj * width, cols), blockMax);
                TensorPrimitives.Max(blockMax, max, blockMax);
                TensorPrimitives.Subtract(max, blockMax, max);
                TensorPrimitives.Exp(max, max); // max now holds the rescale factor exp(old − new)
                TensorPrimitives.Multiply(sum, max, sum);
                for (var r = 0; r < bq; r++) TensorPrimitives.Multiply(acc.Slice(r * d, d), max[r], acc.Slice(r * d, d));
                blockMax.CopyTo(max);
                for (var jj = 0; jj < bk; jj++)
                {
                    var row = scoresT.Slice(jj * width, cols);
                    TensorPrimitives.Subtract(row, max, row);
                    TensorPrimitives.Exp(row, row);
                    TensorPrimitives.Add(sum, row, sum);
                }
                // acc (queries, D) += Pᵀ (queries, keys) · v (keys, D)
                TileProduct.MultiplyAdd(scoresT, 1, width, v[kvBlock..], kvStride, acc, d, bq, d, bk);
            }

            for (var r = 0; r < bq; r++)
                TensorPrimitives.Multiply(acc.Slice(r * d, d), 1f / sum[r], output.Slice(qBase + r * qStride, d));
            if (!logSumExp.IsEmpty)
            {
                var lse = logSumExp.Slice((b * s.Heads + h) * s.QueryLength + i0, bq);
                for (var r = 0; r < bq; r++) lse[r] = max[r] + MathF.Log(sum[r]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A block of one query — every decode step — with plain dot products: a transposed block would
    /// spend most of each vector strip on padding. Needs O(Tk) scratch for the scores.
    /// </summary>
    static void ForwardSingleQuery(Span<float> output, Span<float> logSumExp, ReadOnlySpan<float> q, ReadOnlySpan<float> k,
        ReadOnlySpan<float> v, AttentionShape s, int b, int h, int i)
    {
        int d = s.HeadDim, kvStride = s.KvHeads * d, visible = s.QueryOffset + i + 1;
        int qAt = s.QueryOffsetOf(b, h) + i * s.Heads * d, kvBase = s.KvOffset(b, h / s.GroupSize);
        var rented = ArrayPool<float>.Shared.Rent(d + visible);
        try
        {
            var scratch = rented.AsSpan();
            var query = Take(ref scratch, d);
            var probabilities = Take(ref scratch, visible);
            TensorPrimitives.Multiply(q.Slice(qAt, d), s.Scale, query); // scaled first, as the tiled path does
            for (var j = 0; j < visible; j++) probabilities[j] = TensorPrimitives.Dot(query, k.Slice(kvBase + j * kvStride, d));
            var max = TensorPrimitives.Max(probabilities);
            TensorPrimitives.Subtract(probabilities, max, probabilities);
            TensorPrimitives.Exp(probabilities, probabilities);
            var sum = TensorPrimitives.Sum(probabilities);
            var outRow = output.Slice(qAt, d);
            outRow.Clear();
            // output (1, D) = P (1, keys) · v (keys, D)
            TileProduct.MultiplyAdd(probabilities, visible, 1, v[kvBase..], kvStride, outRow, d, 1, d, visible);
            TensorPrimitives.Multiply(outRow, 1f / sum, outRow);
            if (!logSumExp.IsEmpty) logSumExp[(b * s.Heads + h) * s.QueryLength + i] = max + MathF.Log(sum);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// All gradients that flow through kv head g of batch row b: its dk and dv rows and the dq rows of
    /// the heads that read it. Walks key blocks outermost so each block's dk and dv stay in scratch.
    /// Scratch: transposed q and dout of the group's heads, 2·G·D·Tq floats — linear in T.
    /// </summary>
    static void BackwardGroup(Span<float> dq, Span<float> dk, Span<float> dv, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> output,
        ReadOnlySpan<float> logSumExp, AttentionShape s, int b, int g, Tiles tiles)
    {
        int d = s.HeadDim, tq = s.QueryLength, group = s.GroupSize, width = tiles.Query;
        int qStride = s.Heads * d, kvStride = s.KvHeads * d, kvBase = s.KvOffset(b, g);
        // Queries padded to whole blocks, so every block reads whole strips of the transposed copies.
        var tqPadded = (tq + width - 1) / width * width;

        var rented = ArrayPool<float>.Shared.Rent(group * (2 * d + 2) * tqPadded + 2 * tiles.Key * (width + d));
        try
        {
            var scratch = rented.AsSpan();
            var queriesT = Take(ref scratch, group * d * tqPadded); // per head (D, Tq), pre-scaled by 1/√D
            var doutT = Take(ref scratch, group * d * tqPadded);    // per head (D, Tq)
            var lse = Take(ref scratch, group * tqPadded);
            var delta = Take(ref scratch, group * tqPadded);        // per query, Σ_c dout·output: the softmax Jacobian's shift
            var probsT = Take(ref scratch, tiles.Key * width);      // (keys, queries)
            var dScoresT = Take(ref scratch, tiles.Key * width);    // (keys, queries): dP, then dS·scale
            var dkBlock = Take(ref scratch, tiles.Key * d);
            var dvBlock = Take(ref scratch, tiles.Key * d);

            for (var t = 0; t < group; t++)
            {
                var h = g * group + t;
                var qBase = s.QueryOffsetOf(b, h);
                Transpose(q[qBase..], qStride, tq, d, s.Scale, queriesT.Slice(t * d * tqPadded), tqPadded, tqPadded);
                Transpose(dout[qBase..], qStride, tq, d, 1f, doutT.Slice(t * d * tqPadded), tqPadded, tqPadded);
                var headLse = lse.Slice(t * tqPadded, tqPadded);
                logSumExp.Slice((b * s.Heads + h) * tq, tq).CopyTo(headLse);
                headLse[tq..].Clear();
                var headDelta = delta.Slice(t * tqPadded, tqPadded);
                for (var i = 0; i < tq; i++)
                    headDelta[i] = TensorPrimitives.Dot(dout.Slice(qBase + i * qStride, d), output.Slice(qBase + i * qStride, d));
                headDelta[tq..].Clear();
            }

            var lastKey = s.QueryOffset + tq - 1;
            for (var j0 = 0; j0 <= lastKey; j0 += tiles.Key)
            {
                var bk = Math.Min(tiles.Key, lastKey + 1 - j0);
                var kvBlock = kvBase + j0 * kvStride;
                dkBlock[..(bk * d)].Clear();
                dvBlock[..(bk * d)].Clear();
                // Queries before j0 − offset see none of these keys.
                var firstBlock = Math.Max(0, j0 - s.QueryOffset) / width * width;
                for (var t = 0; t < group; t++)
                for (var i0 = firstBlock; i0 < tq; i0 += width)
                {
                    int bq = Math.Min(width, tq - i0), cols = RoundUpToStrip(bq);
                    var qRows = s.QueryOffsetOf(b, g * group + t) + i0 * qStride;
                    var column = t * tqPadded + i0;

                    // P = exp(scores − lse), rebuilt from the saved log-sum-exp.
                    Scores(probsT, width, k[kvBlock..], kvStride, queriesT[(t * d * tqPadded + i0)..], tqPadded,
                        bk, cols, d, j0 - s.QueryOffset - i0);
                    for (var jj = 0; jj < bk; jj++)
                    {
                        var row = probsT.Slice(jj * width, cols);
                        TensorPrimitives.Subtract(row, lse.Slice(column, cols), row);
                        TensorPrimitives.Exp(row, row);
                    }
                    // dv (keys, D) += P (keys, queries) · dout (queries, D)
                    TileProduct.MultiplyAdd(probsT, width, 1, dout[qRows..], qStride, dvBlock, d, bk, d, bq);

                    // dP = v·doutᵀ; dS = P ⊙ (dP − delta), times the score scale that both dq and dk carry.
                    dScoresT[..(bk * width)].Clear();
                    TileProduct.MultiplyAdd(v[kvBlock..], kvStride, 1, doutT[(t * d * tqPadded + i0)..], tqPadded,
                        dScoresT, width, bk, cols, d);
                    for (var jj = 0; jj < bk; jj++)
                    {
                        var row = dScoresT.Slice(jj * width, cols);
                        TensorPrimitives.Subtract(row, delta.Slice(column, cols), row);
                        TensorPrimitives.Multiply(row, probsT.Slice(jj * width, cols), row);
                        TensorPrimitives.Multiply(row, s.Scale, row);
                    }
                    // dk (keys, D) += dS (keys, queries) · q (queries, D)
                    TileProduct.MultiplyAdd(dScoresT, width, 1, q[qRows..], qStride, dkBlock, d, bk, d, bq);
                    // dq (queries, D) += dSᵀ (queries, keys) · k (keys, D)
                    TileProduct.MultiplyAdd(dScoresT, 1, width, k[kvBlock..], kvStride, dq[qRows..], qStride, bq, d, bk);
                }
                for (var jj = 0; jj < bk; jj++)
                {
                    var row = kvBlock + jj * kvStride;
                    TensorPrimitives.Add(dk.Slice(row, d), dkBlock.Slice(jj * d, d), dk.Slice(row, d));
                    TensorPrimitives.Add(dv.Slice(row, d), dvBlock.Slice(jj * d, d), dv.Slice(row, d));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// scoresT (keys, queries) = keys (bk rows at stride kvStride) · queriesT (D, cols), with −∞
    /// where a key lies after a query. Key jj is first seen by query firstSeeing + jj (relative to the block).
    /// </summary>
    static void Scores(Span<float> scoresT, int width, ReadOnlySpan<float> keys, int kvStride,
        ReadOnlySpan<float> queriesT, int queriesStride, int bk, int cols, int d, int firstSeeing)
    {
        for (var jj = 0; jj < bk; jj++) scoresT.Slice(jj * width, cols).Clear();
        TileProduct.MultiplyAdd(keys, kvStride, 1, queriesT, queriesStride, scoresT, width, bk, cols, d);
        for (var jj = Math.Max(0, 1 - firstSeeing); jj < bk; jj++)
            scoresT.Slice(jj * width, Math.Min(firstSeeing + jj, cols)).Fill(float.NegativeInfinity);
    }

    /// <summary>
    /// dst (D, cols) = scale · src (rows, D)ᵀ, src rows at stride srcStride; columns rows…cols−1 are
    /// zeroed so padded strips add nothing.
    /// </summary>
    static void Transpose(ReadOnlySpan<float> src, int srcStride, int rows, int d, float scale,
        Span<float> dst, int dstStride, int cols)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = src.Slice(r * srcStride, d);
            for (var c = 0; c < d; c++) dst[c * dstStride + r] = row[c] * scale;
        }
        for (var c = 0; c < d; c++) dst.Slice(c * dstStride + rows, cols - rows).Clear();
    }

    static Span<float> Take(ref Span<float> scratch, int length)
    {
        var taken = scratch[..length];
        scratch = scratch[length..];
        return taken;
    }
}
