using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FineTune.Engine.Quantization;

namespace FineTune.Engine.Kernels;

/// <summary>Which row kernel <see cref="Int8MatVec"/> runs; tests pick each one explicitly.</summary>
internal enum Int8Kernel
{
    /// <summary>Weights sign-extended to 32 int16 in a zmm, vpmaddwd with the pre-widened activations: the 16 lanes in one register.</summary>
    Avx512,

    /// <summary>vpmaddubsw on |w| and x carrying w's sign (exact: 2·127² fits int16), widened to the 16 lanes in two ymm.</summary>
    Avx2,

    /// <summary>Plain loops, for CPUs without AVX2; the same code as <see cref="Int8MatVec.Reference"/>.</summary>
    Scalar,
}

/// <summary>
/// <c>y = W·x</c> for an <see cref="Int8Block"/> matrix and one or a few activation vectors
/// quantized to int8 per block the same way (as ggml's Q8_0 · Q8_0). The arithmetic is pinned so
/// that every kernel equals <see cref="Reference"/> bit for bit: a block's 32 products are summed
/// in 16 lanes of adjacent pairs (exact int32, as vpmaddwd gives them); each lane keeps a float
/// accumulator, <c>lane = fma(pairSum, wScale·xScale, lane)</c> block after block; a row ends by
/// folding the lanes in halves (16 → 8 → 4) and then <c>(l0 + l2) + (l1 + l3)</c>. Lanes instead of
/// one sum per block spare the fast kernels a horizontal add per 32 weights.
/// Output rows are split across <see cref="WorkerPool"/>; each weight row is read once for all
/// vectors of a batch.
/// </summary>
internal static unsafe class Int8MatVec
{
    private const int Lanes = Int8Block.Size / 2;

    public static Int8Kernel Best =>
        Avx512BW.IsSupported ? Int8Kernel.Avx512 : Avx2.IsSupported ? Int8Kernel.Avx2 : Int8Kernel.Scalar;

    /// <summary>The kernels this CPU can run.</summary>
    public static IReadOnlyList<Int8Kernel> Supported =>
        [.. new[] { Int8Kernel.Avx512, Int8Kernel.Avx2, Int8Kernel.Scalar }.Where(IsSupported)];

    private static bool IsSupported(Int8Kernel kernel) => kernel switch
    {
        Int8Kernel.Avx512 => Avx512BW.IsSupported,
        Int8Kernel.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>Chunks per thread, so that a thread slowed by a neighbour leaves its share to the others.</summary>
    private const int ChunksPerThread = 4;

    /// <param name="weights">rows × blocksPerRow blocks of <see cref="Int8Block.ByteSize"/> bytes.</param>
    /// <param name="x">count vectors of quantized activations.</param>
    /// <param name="y">count × rows results, vector after vector.</param>
    public static void Multiply(Int8Kernel kernel, byte* weights, int rows, int blocksPerRow, in Activations x, int count, float* y)
    {
        if (!IsSupported(kernel)) throw new PlatformNotSupportedException($"this CPU cannot run the {kernel} int8 kernel");
        var body = new Chunk { Kernel = kernel, Weights = weights, Rows = rows, BlocksPerRow = blocksPerRow, X = x, Count = count, Y = y };
        var multiplyAdds = (long)rows * blocksPerRow * Int8Block.Size * count;
        body.Chunks = multiplyAdds < PackedGemm.ParallelMultiplyAdds ? 1 : Math.Min(rows, EngineThreads.Count * ChunksPerThread);
        WorkerPool.For(body.Chunks, ref body);
    }

    /// <summary>The pinned arithmetic in plain loops on one thread, which the tests hold every kernel to.</summary>
    public static void Reference(byte* weights, int rows, int blocksPerRow, in Activations x, int count, float* y) =>
        MultiplyRows<ScalarRow>(weights, 0, rows, rows, blocksPerRow, x, count, y);

    /// <summary>Quantized activation vectors: codes, the same widened to int16 for the AVX-512 kernel, and a scale per block.</summary>
    public readonly struct Activations(sbyte* codes, short* wide, float* scales)
    {
        public readonly sbyte* Codes = codes;
        public readonly short* Wide = wide;
        public readonly float* Scales = scales;
    }

    private struct Chunk : IParallelBody
    {
        public Int8Kernel Kernel;
        public byte* Weights;
        public Activations X;
        public float* Y;
        public int Rows, BlocksPerRow, Count, Chunks;

        public readonly void Invoke(int index)
        {
            var first = (int)((long)Rows * index / Chunks);
            var last = (int)((long)Rows * (index + 1) / Chunks);
            switch (Kernel)
            {
                case Int8Kernel.Avx512: MultiplyRows<Avx512Row>(Weights, first, last, Rows, BlocksPerRow, X, Count, Y); break;
                case Int8Kernel.Avx2: MultiplyRows<Avx2Row>(Weights, first, last, Rows, BlocksPerRow, X, Count, Y); break;
                default: MultiplyRows<ScalarRow>(Weights, first, last, Rows, BlocksPerRow, X, Count, Y); break;
            }
        }
    }

    // A struct type argument per kernel, so the JIT compiles one loop per kernel with the row inlined.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyRows<TRow>(byte* weights, int first, int last, int rows, int blocksPerRow,
        in Activations x, int count, float* y) where TRow : struct, IRowKernel
    {
        var rowBytes = (long)blocksPerRow * Int8Block.ByteSize;
        var columns = (long)blocksPerRow * Int8Block.Size;
        for (var r = first; r < last; r++)
        for (var v = 0; v < count; v++)
            y[(long)v * rows + r] = TRow.Row(weights + r * rowBytes, blocksPerRow,
                x.Codes + v * columns, x.Wide + v * columns, x.Scales + (long)v * blocksPerRow);
    }

    private static readonly float TwoTo112 = MathF.ScaleB(1f, 112);

    /// <summary>
    /// The block's float16 weight scale times the activation's scale. The float16 is widened by
    /// moving its bits into a float's and multiplying by 2^112 (exact for every finite non-negative
    /// float16, which is all a scale can be): a few instructions, where the Half conversion
    /// operator's general path was measured slower on this per-block path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float BlockScale(byte* block, float* xScales, int b) =>
        BitConverter.Int32BitsToSingle(Unsafe.ReadUnaligned<ushort>(block) << 13) * TwoTo112 * xScales[b];

    /// <summary>The last fold, shared so every kernel ends a row with the same additions.</summary>
    private static float Fold(float l0, float l1, float l2, float l3) => (l0 + l2) + (l1 + l3);

    private interface IRowKernel
    {
        /// <summary>One output: a weight row of <paramref name="blocks"/> blocks against one quantized vector.</summary>
        static abstract float Row(byte* row, int blocks, sbyte* x, short* xWide, float* xScales);
    }

    private readonly struct ScalarRow : IRowKernel
    {
        public static float Row(byte* row, int blocks, sbyte* x, short* xWide, float* xScales)
        {
            var lanes = stackalloc float[Lanes];
            new Span<float>(lanes, Lanes).Clear();
            for (var b = 0; b < blocks; b++)
            {
                var block = row + (long)b * Int8Block.ByteSize;
                var w = (sbyte*)(block + Int8Block.ScaleBytes);
                var xb = x + b * Int8Block.Size;
                var scale = BlockScale(block, xScales, b);
                for (var j = 0; j < Lanes; j++)
                    lanes[j] = MathF.FusedMultiplyAdd(w[2 * j] * xb[2 * j] + w[2 * j + 1] * xb[2 * j + 1], scale, lanes[j]);
            }
            for (var j = 0; j < 8; j++) lanes[j] += lanes[j + 8];
            for (var j = 0; j < 4; j++) lanes[j] += lanes[j + 4];
            return Fold(lanes[0], lanes[1], lanes[2], lanes[3]);
        }
    }

    private readonly struct Avx512Row : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Row(byte* row, int blocks, sbyte* x, short* xWide, float* xScales)
        {
            var lanes = Vector512<float>.Zero;
            for (var b = 0; b < blocks; b++)
            {
                var block = row + (long)b * Int8Block.ByteSize;
                var w = Avx512BW.ConvertToVector512Int16(Vector256.Load((sbyte*)(block + Int8Block.ScaleBytes)));
                var pairs = Avx512BW.MultiplyAddAdjacent(w, Vector512.Load(xWide + b * Int8Block.Size));
                lanes = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(pairs), Vector512.Create(BlockScale(block, xScales, b)), lanes);
            }
            var eight = lanes.GetLower() + lanes.GetUpper();
            var four = eight.GetLower() + eight.GetUpper();
            return Fold(four[0], four[1], four[2], four[3]);
        }
    }

    private readonly struct Avx2Row : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Row(byte* row, int blocks, sbyte* x, short* xWide, float* xScales)
        {
            Vector256<float> low = Vector256<float>.Zero, high = Vector256<float>.Zero;
            for (var b = 0; b < blocks; b++)
            {
                var block = row + (long)b * Int8Block.ByteSize;
                var w = Vector256.Load((sbyte*)(block + Int8Block.ScaleBytes));
                var pairs = Avx2.MultiplyAddAdjacent(Avx2.Abs(w), Avx2.Sign(Vector256.Load(x + b * Int8Block.Size), w));
                var scale = Vector256.Create(BlockScale(block, xScales, b));
                low = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(pairs.GetLower())), scale, low);
                high = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(pairs.GetUpper())), scale, high);
            }
            var eight = low + high;
            var four = eight.GetLower() + eight.GetUpper();
            return Fold(four[0], four[1], four[2], four[3]);
        }
    }
}
