using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FineTune.Engine.Kernels;

/// <summary>Which inner kernel <see cref="PackedGemm"/> runs; tests pick each one explicitly.</summary>
internal enum PackedKernel
{
    /// <summary>Register-blocked AVX-512: up to 8 rows × 32 columns held in 16 zmm accumulators.</summary>
    Avx512,

    /// <summary>One row at a time in four Vector256 accumulators, for CPUs without AVX-512.</summary>
    Portable,
}

/// <summary>
/// The inner kernels: one tile of rows times one panel over a slice of k.
/// <c>y (rows×cols, row stride ldy) (+)= a (kc×rows, tiled) · w (kc×32, panel)</c>;
/// <c>cols</c> ≤ 32 are written, the panel's padding columns never are.
/// </summary>
internal static unsafe class PackedKernels
{
    public static PackedKernel Best => Avx512F.IsSupported ? PackedKernel.Avx512 : PackedKernel.Portable;

    /// <summary>The kernels this CPU can run.</summary>
    public static IReadOnlyList<PackedKernel> Supported =>
        Avx512F.IsSupported ? [PackedKernel.Avx512, PackedKernel.Portable] : [PackedKernel.Portable];

    public static void Tile(PackedKernel kernel, int rows, float* a, float* w, int kc, float* y, int ldy, int cols, bool add)
    {
        if (kernel == PackedKernel.Portable)
        {
            TilePortable(rows, a, w, kc, y, ldy, cols, add);
            return;
        }
        // Each row count gets its own compiled kernel, so a decode step's single row costs
        // 2 accumulators rather than 16.
        switch (rows)
        {
            case 1: TileAvx512<Rows1>(a, w, kc, y, ldy, cols, add); break;
            case 2: TileAvx512<Rows2>(a, w, kc, y, ldy, cols, add); break;
            case 3: TileAvx512<Rows3>(a, w, kc, y, ldy, cols, add); break;
            case 4: TileAvx512<Rows4>(a, w, kc, y, ldy, cols, add); break;
            case 5: TileAvx512<Rows5>(a, w, kc, y, ldy, cols, add); break;
            case 6: TileAvx512<Rows6>(a, w, kc, y, ldy, cols, add); break;
            case 7: TileAvx512<Rows7>(a, w, kc, y, ldy, cols, add); break;
            case 8: TileAvx512<Rows8>(a, w, kc, y, ldy, cols, add); break;
            default: throw new ArgumentOutOfRangeException(nameof(rows), rows, $"a tile has 1..{Packing.TileRows} rows");
        }
    }

    // ---- AVX-512 ----

    /// <summary>A row count known when the kernel is compiled; rows beyond it fold away.</summary>
    private interface IRowCount { static abstract int Value { get; } }
    private struct Rows1 : IRowCount { public static int Value => 1; }
    private struct Rows2 : IRowCount { public static int Value => 2; }
    private struct Rows3 : IRowCount { public static int Value => 3; }
    private struct Rows4 : IRowCount { public static int Value => 4; }
    private struct Rows5 : IRowCount { public static int Value => 5; }
    private struct Rows6 : IRowCount { public static int Value => 6; }
    private struct Rows7 : IRowCount { public static int Value => 7; }
    private struct Rows8 : IRowCount { public static int Value => 8; }

    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx512<TRows>(float* a, float* w, int kc, float* y, int ldy, int cols, bool add)
        where TRows : struct, IRowCount
    {
        var rows = TRows.Value;
        Vector512<float> c0l = default, c0h = default, c1l = default, c1h = default, c2l = default, c2h = default,
            c3l = default, c3h = default, c4l = default, c4h = default, c5l = default, c5h = default,
            c6l = default, c6h = default, c7l = default, c7h = default;
        for (var p = 0; p < kc; p++, a += rows, w += Packing.PanelWidth)
        {
            var lo = Avx512F.LoadVector512(w);
            var hi = Avx512F.LoadVector512(w + 16);
            Accumulate(ref c0l, ref c0h, a[0], lo, hi);
            if (rows > 1) Accumulate(ref c1l, ref c1h, a[1], lo, hi);
            if (rows > 2) Accumulate(ref c2l, ref c2h, a[2], lo, hi);
            if (rows > 3) Accumulate(ref c3l, ref c3h, a[3], lo, hi);
            if (rows > 4) Accumulate(ref c4l, ref c4h, a[4], lo, hi);
            if (rows > 5) Accumulate(ref c5l, ref c5h, a[5], lo, hi);
            if (rows > 6) Accumulate(ref c6l, ref c6h, a[6], lo, hi);
            if (rows > 7) Accumulate(ref c7l, ref c7h, a[7], lo, hi);
        }
        // Spill the accumulators to memory before anything that calls out, so that the register
        // allocator keeps them in registers through the loop.
        var sums = stackalloc float[Packing.TileRows * Packing.PanelWidth];
        Spill(sums, 0, c0l, c0h);
        if (rows > 1) Spill(sums, 1, c1l, c1h);
        if (rows > 2) Spill(sums, 2, c2l, c2h);
        if (rows > 3) Spill(sums, 3, c3l, c3h);
        if (rows > 4) Spill(sums, 4, c4l, c4h);
        if (rows > 5) Spill(sums, 5, c5l, c5h);
        if (rows > 6) Spill(sums, 6, c6l, c6h);
        if (rows > 7) Spill(sums, 7, c7l, c7h);
        WriteTile(y, ldy, sums, rows, cols, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref Vector512<float> sumLo, ref Vector512<float> sumHi, float x, Vector512<float> lo, Vector512<float> hi)
    {
        var broadcast = Vector512.Create(x);
        sumLo = Avx512F.FusedMultiplyAdd(broadcast, lo, sumLo);
        sumHi = Avx512F.FusedMultiplyAdd(broadcast, hi, sumHi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Spill(float* sums, int row, Vector512<float> lo, Vector512<float> hi)
    {
        lo.Store(sums + row * Packing.PanelWidth);
        hi.Store(sums + row * Packing.PanelWidth + 16);
    }

    /// <summary>Writes or adds a tile's sums (rows × 32, dense) into y's first <paramref name="cols"/> columns.</summary>
    private static void WriteTile(float* y, int ldy, float* sums, int rows, int cols, bool add)
    {
        for (var r = 0; r < rows; r++)
        {
            var source = new ReadOnlySpan<float>(sums + r * Packing.PanelWidth, cols);
            var target = new Span<float>(y + (long)r * ldy, cols);
            if (add) TensorPrimitives.Add(target, source, target);
            else source.CopyTo(target);
        }
    }

    // ---- portable ----

    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TilePortable(int rows, float* a, float* w, int kc, float* y, int ldy, int cols, bool add)
    {
        var sums = stackalloc float[Packing.TileRows * Packing.PanelWidth];
        for (var r = 0; r < rows; r++)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            var panel = w;
            for (var p = 0; p < kc; p++, panel += Packing.PanelWidth)
            {
                var x = Vector256.Create(a[p * rows + r]);
                s0 = Vector256.MultiplyAddEstimate(x, Vector256.Load(panel), s0);
                s1 = Vector256.MultiplyAddEstimate(x, Vector256.Load(panel + 8), s1);
                s2 = Vector256.MultiplyAddEstimate(x, Vector256.Load(panel + 16), s2);
                s3 = Vector256.MultiplyAddEstimate(x, Vector256.Load(panel + 24), s3);
            }
            var row = sums + r * Packing.PanelWidth;
            s0.Store(row);
            s1.Store(row + 8);
            s2.Store(row + 16);
            s3.Store(row + 24);
        }
        WriteTile(y, ldy, sums, rows, cols, add);
    }
}
