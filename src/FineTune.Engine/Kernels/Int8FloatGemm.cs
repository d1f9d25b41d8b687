using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FineTune.Engine.Quantization;

namespace FineTune.Engine.Kernels;

/// <summary>Which kernel <see cref="Int8FloatGemm"/> runs; tests pick each one explicitly.</summary>
internal enum Int8FloatKernel
{
    /// <summary>A block dequantized into two zmm, then two FMAs for each of up to 4 activation rows, two weight rows at a time.</summary>
    Avx512,

    /// <summary>A block dequantized into four ymm, then four FMAs for each of up to 2 activation rows.</summary>
    Avx2,

    /// <summary>Plain loops, for CPUs without AVX2; the same code as <see cref="Int8FloatGemm.Reference"/>.</summary>
    Scalar,
}

/// <summary>
/// <c>y = W·x</c> for an <see cref="Int8Block"/> matrix and float32 activation rows (W8A32): each
/// weight block is dequantized in registers once and multiplied into several activation rows, so a
/// batched decode step or a prefill chunk costs two FMAs per 32 weights per row, as float32 does,
/// while a single row still reads 34 bytes per 32 weights. The arithmetic is pinned so that every
/// kernel equals <see cref="Reference"/> bit for bit and a row's result does not depend on the
/// other rows of the call: the dequantized weight <c>code · scale</c> is exact in float32 (a 7-bit
/// code times an 11-bit float16 significand), an (output, activation row) pair keeps 32 float lanes,
/// one per column of a block, <c>lane[j] = fma(code[j]·scale, x[j], lane[j])</c> block after block;
/// the lanes are folded in halves (32 → 16 → 8 → 4) and then <c>(l0 + l2) + (l1 + l3)</c>.
/// Output rows are split across <see cref="WorkerPool"/>.
/// </summary>
internal static unsafe class Int8FloatGemm
{
    private const int Lanes = Int8Block.Size;

    /// <summary>Activation rows per pass over two weight rows: 16 zmm accumulators, the two dequantized blocks and one activation block stay in registers.</summary>
    public const int Avx512Rows = 4;

    /// <summary>As <see cref="Avx512Rows"/> with 16 ymm: 8 accumulators, 4 for the block.</summary>
    public const int Avx2Rows = 2;

    public static Int8FloatKernel Best =>
        Avx512F.IsSupported ? Int8FloatKernel.Avx512 : Avx2.IsSupported && Fma.IsSupported ? Int8FloatKernel.Avx2 : Int8FloatKernel.Scalar;

    /// <summary>The kernels this CPU can run.</summary>
    public static IReadOnlyList<Int8FloatKernel> Supported =>
        [.. new[] { Int8FloatKernel.Avx512, Int8FloatKernel.Avx2, Int8FloatKernel.Scalar }.Where(IsSupported)];

    private static bool IsSupported(Int8FloatKernel kernel) => kernel switch
    {
        Int8FloatKernel.Avx512 => Avx512F.IsSupported,
        Int8FloatKernel.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>
    /// Weight rows per tile: every group of activation rows passes over a tile's rows (32 × 34 bytes
    /// per block, in L2) while the group's activations stay in L1, rather than every group streaming past each weight row.
    /// </summary>
    private const int TileRows = 32;

    /// <summary>Chunks per thread, so that a thread slowed by a neighbour leaves its share to the others.</summary>
    private const int ChunksPerThread = 4;

    /// <param name="weights">rows × blocksPerRow blocks of <see cref="Int8Block.ByteSize"/> bytes.</param>
    /// <param name="x">count activation rows of blocksPerRow × 32 floats.</param>
    /// <param name="y">count × rows results, activation row after activation row.</param>
    public static void Multiply(Int8FloatKernel kernel, byte* weights, int rows, int blocksPerRow, float* x, int count, float* y)
    {
        if (!IsSupported(kernel)) throw new PlatformNotSupportedException($"this CPU cannot run the {kernel} int8 kernel");
        var body = new Chunk { Kernel = kernel, Weights = weights, Rows = rows, BlocksPerRow = blocksPerRow, X = x, Count = count, Y = y };
        var multiplyAdds = (long)rows * blocksPerRow * Int8Block.Size * count;
        body.Chunks = multiplyAdds < PackedGemm.ParallelMultiplyAdds ? 1 : Math.Min(rows, EngineThreads.Count * ChunksPerThread);
        WorkerPool.For(body.Chunks, ref body);
    }

    /// <summary>The pinned arithmetic in plain loops on one thread, which the tests hold every kernel to.</summary>
    public static void Reference(byte* weights, int rows, int blocksPerRow, float* x, int count, float* y) =>
        Scalar(new Operands(weights, rows, blocksPerRow, x, count, y), 0, rows);

    /// <summary>The whole product's pointers and shape, as every kernel takes them.</summary>
    private readonly struct Operands(byte* weights, int rows, int blocksPerRow, float* x, int count, float* y)
    {
        public readonly byte* Weights = weights;
        public readonly float* X = x;
        public readonly float* Y = y;
        public readonly int Rows = rows, BlocksPerRow = blocksPerRow, Count = count;
        public long RowBytes => (long)BlocksPerRow * Int8Block.ByteSize;
        public int Columns => BlocksPerRow * Int8Block.Size;
    }

    private struct Chunk : IParallelBody
    {
        public Int8FloatKernel Kernel;
        public byte* Weights;
        public float* X, Y;
        public int Rows, BlocksPerRow, Count, Chunks;

        public readonly void Invoke(int index)
        {
            var first = (int)((long)Rows * index / Chunks);
            var last = (int)((long)Rows * (index + 1) / Chunks);
            var operands = new Operands(Weights, Rows, BlocksPerRow, X, Count, Y);
            switch (Kernel)
            {
                case Int8FloatKernel.Avx512: Int8FloatAvx512.MultiplyRows(operands, first, last); break;
                case Int8FloatKernel.Avx2: Int8FloatAvx2.MultiplyRows(operands, first, last); break;
                default: Scalar(operands, first, last); break;
            }
        }
    }

    /// <summary>2^112, exactly; a constant, since a static field's initialization check inside the block loop made the JIT spill the accumulators.</summary>
    internal const float TwoTo112 = 5.192296858534828E+33f;

    /// <summary>
    /// A block's float16 scale as a float: its bits moved up into a float's and multiplied by 2^112,
    /// exact for every finite non-negative float16 (all a scale can be) and a few instructions,
    /// where the Half conversion operator's general path was measured slower on this per-block path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float BlockScale(byte* block) =>
        BitConverter.Int32BitsToSingle(Unsafe.ReadUnaligned<ushort>(block) << 13) * TwoTo112;

    /// <summary>The last fold, shared so every kernel ends a row with the same additions.</summary>
    private static float Fold(float l0, float l1, float l2, float l3) => (l0 + l2) + (l1 + l3);

    private static void Scalar(in Operands o, int first, int last)
    {
        var lanes = stackalloc float[Lanes];
        for (var r = first; r < last; r++)
        for (var v = 0; v < o.Count; v++)
        {
            new Span<float>(lanes, Lanes).Clear();
            var x = o.X + (long)v * o.Columns;
            for (var b = 0; b < o.BlocksPerRow; b++)
            {
                var block = o.Weights + r * o.RowBytes + (long)b * Int8Block.ByteSize;
                var codes = (sbyte*)(block + Int8Block.ScaleBytes);
                var scale = BlockScale(block);
                for (var j = 0; j < Lanes; j++)
                    lanes[j] = MathF.FusedMultiplyAdd(codes[j] * scale, x[b * Int8Block.Size + j], lanes[j]);
            }
            for (var j = 0; j < 16; j++) lanes[j] += lanes[j + 16];
            for (var j = 0; j < 8; j++) lanes[j] += lanes[j + 8];
            for (var j = 0; j < 4; j++) lanes[j] += lanes[j + 4];
            o.Y[(long)v * o.Rows + r] = Fold(lanes[0], lanes[1], lanes[2], lanes[3]);
        }
    }

    /// <summary>An activation-row count known when a kernel is compiled; rows beyond it fold away.</summary>
    private interface IRowCount { static abstract int Value { get; } }
    private struct R1 : IRowCount { public static int Value => 1; }
    private struct R2 : IRowCount { public static int Value => 2; }
    private struct R3 : IRowCount { public static int Value => 3; }
    private struct R4 : IRowCount { public static int Value => 4; }

    /// <summary>
    /// The AVX-512 kernel: lanes 0–15 of a pair in one zmm, 16–31 in another. Fewer than 4 activation
    /// rows go one weight row at a time (one stream through memory: two interleaved rows measured 2×
    /// slower at batch 1 and 2); otherwise two weight rows at a time, each block dequantized once for up to 4 activation rows, so that each activation load
    /// serves two weight rows (one load per FMA was the limit with one weight row and 8 activation
    /// rows). Within a tile of weight rows, activation rows go by in groups, so a group's activations
    /// stay in L1 while the tile's weights stay in L2.
    /// </summary>
    private static class Int8FloatAvx512
    {

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void MultiplyRows(in Operands o, int first, int last)
        {
            for (var t = first; t < last; t += TileRows)
            {
                var end = Math.Min(last, t + TileRows);
                for (var v0 = 0; v0 < o.Count; v0 += Avx512Rows)
                {
                    switch (Math.Min(Avx512Rows, o.Count - v0))
                    {
                        case 1: Rows<R1>(o, t, end, v0); break;
                        case 2: Rows<R2>(o, t, end, v0); break;
                        case 3: Rows<R3>(o, t, end, v0); break;
                        default: Rows<R4>(o, t, end, v0); break;
                    }
                }
            }
        }

        private static void Rows<TRows>(in Operands o, int first, int last, int v0) where TRows : struct, IRowCount
        {
            if (o.Count < Avx512Rows)
            {
                for (var r = first; r < last; r++) Single<TRows>(o, r, v0);
                return;
            }
            // An odd last row goes with itself: computed twice, identically, and written once.
            for (var r = first; r < last; r += 2) Pair<TRows>(o, r, Math.Min(r + 1, last - 1), v0);
        }

        [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Single<TRows>(in Operands o, int r, int v0) where TRows : struct, IRowCount
        {
            var n = TRows.Value;
            var stride = o.Columns;
            var x = o.X + (long)v0 * stride;
            var row = o.Weights + r * o.RowBytes;
            Vector512<float> a0 = default, a0h = default, a1 = default, a1h = default, a2 = default, a2h = default, a3 = default, a3h = default;
            for (var b = 0; b < o.BlocksPerRow; b++, x += Int8Block.Size, row += Int8Block.ByteSize)
            {
                var (w, wh) = Dequantize(row);
                Accumulate(ref a0, ref a0h, w, wh, x);
                if (n > 1) Accumulate(ref a1, ref a1h, w, wh, x + stride);
                if (n > 2) Accumulate(ref a2, ref a2h, w, wh, x + 2 * stride);
                if (n > 3) Accumulate(ref a3, ref a3h, w, wh, x + 3 * stride);
            }
            var y = o.Y + (long)v0 * o.Rows + r;
            y[0] = Fold(a0, a0h);
            if (n > 1) y[o.Rows] = Fold(a1, a1h);
            if (n > 2) y[2L * o.Rows] = Fold(a2, a2h);
            if (n > 3) y[3L * o.Rows] = Fold(a3, a3h);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(ref Vector512<float> low, ref Vector512<float> high, Vector512<float> w, Vector512<float> wh, float* x)
        {
            low = Avx512F.FusedMultiplyAdd(w, Vector512.Load(x), low);
            high = Avx512F.FusedMultiplyAdd(wh, Vector512.Load(x + 16), high);
        }

        [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Pair<TRows>(in Operands o, int r, int s, int v0) where TRows : struct, IRowCount
        {
            var n = TRows.Value;
            var stride = o.Columns;
            var x = o.X + (long)v0 * stride;
            var rowR = o.Weights + r * o.RowBytes;
            var rowS = o.Weights + s * o.RowBytes;
            Vector512<float> r0 = default, r0h = default, r1 = default, r1h = default, r2 = default, r2h = default, r3 = default, r3h = default,
                s0 = default, s0h = default, s1 = default, s1h = default, s2 = default, s2h = default, s3 = default, s3h = default;
            for (var b = 0; b < o.BlocksPerRow; b++, x += Int8Block.Size, rowR += Int8Block.ByteSize, rowS += Int8Block.ByteSize)
            {
                var (wr, wrh) = Dequantize(rowR);
                var (ws, wsh) = Dequantize(rowS);
                Accumulate(ref r0, ref r0h, ref s0, ref s0h, wr, wrh, ws, wsh, x);
                if (n > 1) Accumulate(ref r1, ref r1h, ref s1, ref s1h, wr, wrh, ws, wsh, x + stride);
                if (n > 2) Accumulate(ref r2, ref r2h, ref s2, ref s2h, wr, wrh, ws, wsh, x + 2 * stride);
                if (n > 3) Accumulate(ref r3, ref r3h, ref s3, ref s3h, wr, wrh, ws, wsh, x + 3 * stride);
            }
            var y = o.Y + (long)v0 * o.Rows;
            y[r] = Fold(r0, r0h);
            if (n > 1) y[o.Rows + r] = Fold(r1, r1h);
            if (n > 2) y[2L * o.Rows + r] = Fold(r2, r2h);
            if (n > 3) y[3L * o.Rows + r] = Fold(r3, r3h);
            y[s] = Fold(s0, s0h);
            if (n > 1) y[o.Rows + s] = Fold(s1, s1h);
            if (n > 2) y[2L * o.Rows + s] = Fold(s2, s2h);
            if (n > 3) y[3L * o.Rows + s] = Fold(s3, s3h);
        }

        /// <summary>A block's 32 weights as <c>code · scale</c>, columns 0–15 and 16–31.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector512<float> Low, Vector512<float> High) Dequantize(byte* block)
        {
            var codes = (sbyte*)(block + Int8Block.ScaleBytes);
            var scale = Vector512.Create(BlockScale(block));
            return (Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(Vector128.Load(codes))) * scale,
                Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(Vector128.Load(codes + 16))) * scale);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(ref Vector512<float> r, ref Vector512<float> rh, ref Vector512<float> s, ref Vector512<float> sh,
            Vector512<float> wr, Vector512<float> wrh, Vector512<float> ws, Vector512<float> wsh, float* x)
        {
            var low = Vector512.Load(x);
            var high = Vector512.Load(x + 16);
            r = Avx512F.FusedMultiplyAdd(wr, low, r);
            rh = Avx512F.FusedMultiplyAdd(wrh, high, rh);
            s = Avx512F.FusedMultiplyAdd(ws, low, s);
            sh = Avx512F.FusedMultiplyAdd(wsh, high, sh);
        }

        /// <summary>32 lanes → 16 → 8 → 4, then the fold every kernel shares.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Fold(Vector512<float> low, Vector512<float> high)
        {
            var sixteen = low + high;
            var eight = sixteen.GetLower() + sixteen.GetUpper();
            var four = eight.GetLower() + eight.GetUpper();
            return Int8FloatGemm.Fold(four[0], four[1], four[2], four[3]);
        }
    }

    /// <summary>The AVX2 kernel: a pair's 32 lanes in four ymm (0–7, 8–15, 16–23, 24–31), two activation rows per pass.</summary>
    private static class Int8FloatAvx2
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void MultiplyRows(in Operands o, int first, int last)
        {
            for (var r = first; r < last; r++)
            for (var v0 = 0; v0 < o.Count; v0 += Avx2Rows)
            {
                if (o.Count - v0 >= 2) Row<R2>(o, r, v0);
                else Row<R1>(o, r, v0);
            }
        }

        [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Row<TRows>(in Operands o, int r, int v0) where TRows : struct, IRowCount
        {
            var n = TRows.Value;
            var stride = o.Columns;
            var x = o.X + (long)v0 * stride;
            var row = o.Weights + r * o.RowBytes;
            Vector256<float> a0 = default, b0 = default, c0 = default, d0 = default, a1 = default, b1 = default, c1 = default, d1 = default;
            for (var b = 0; b < o.BlocksPerRow; b++, x += Int8Block.Size)
            {
                var block = row + (long)b * Int8Block.ByteSize;
                var codes = (sbyte*)(block + Int8Block.ScaleBytes);
                var scale = Vector256.Create(BlockScale(block));
                var w0 = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(codes)) * scale;
                var w1 = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(codes + 8)) * scale;
                var w2 = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(codes + 16)) * scale;
                var w3 = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(codes + 24)) * scale;
                Accumulate(ref a0, ref b0, ref c0, ref d0, w0, w1, w2, w3, x);
                if (n > 1) Accumulate(ref a1, ref b1, ref c1, ref d1, w0, w1, w2, w3, x + stride);
            }
            var y = o.Y + (long)v0 * o.Rows + r;
            y[0] = Fold(a0, b0, c0, d0);
            if (n > 1) y[o.Rows] = Fold(a1, b1, c1, d1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(ref Vector256<float> a, ref Vector256<float> b, ref Vector256<float> c, ref Vector256<float> d,
            Vector256<float> w0, Vector256<float> w1, Vector256<float> w2, Vector256<float> w3, float* x)
        {
            a = Fma.MultiplyAdd(w0, Vector256.Load(x), a);
            b = Fma.MultiplyAdd(w1, Vector256.Load(x + 8), b);
            c = Fma.MultiplyAdd(w2, Vector256.Load(x + 16), c);
            d = Fma.MultiplyAdd(w3, Vector256.Load(x + 24), d);
        }

        /// <summary>Lanes 0–7 + 16–23 and 8–15 + 24–31 (32 → 16), those two (→ 8), halves (→ 4), the shared fold.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Fold(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
        {
            var eight = (a + c) + (b + d);
            var four = eight.GetLower() + eight.GetUpper();
            return Int8FloatGemm.Fold(four[0], four[1], four[2], four[3]);
        }
    }
}
