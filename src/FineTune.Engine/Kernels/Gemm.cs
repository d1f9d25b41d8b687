using System.Numerics.Tensors;

namespace FineTune.Engine.Kernels;

/// <summary>Whether an operand of <see cref="Gemm.Sgemm"/> is read as stored or transposed.</summary>
public enum Transpose { No, Yes }

/// <summary>The implementations behind <see cref="Gemm.Sgemm"/>; tests and the bench call each directly.</summary>
internal enum GemmBackend
{
    /// <summary>The system's <c>cblas_sgemm</c>.</summary>
    OpenBlas,

    /// <summary>Packs both operands for <see cref="PackedGemm"/> on every call; used when OpenBLAS is missing.</summary>
    Managed,
}

/// <summary>
/// Single-precision matrix products, row-major as in BLAS's CblasRowMajor:
/// <c>C (m×n) = alpha · op(A) (m×k) · op(B) (k×n) + beta · C</c>. A layer's three products are
/// <c>y = x·Wᵀ</c> (No, Yes), <c>dx = dy·W</c> (No, No) and <c>dW += dyᵀ·x</c> (Yes, No), with
/// weights stored (out, in) as PyTorch and Hugging Face store them.
/// </summary>
public static unsafe class Gemm
{
    private static int _warnedManaged;

    /// <summary>
    /// <c>C = alpha·op(A)·op(B) + beta·C</c> on OpenBLAS or the managed kernels, whichever was measured
    /// faster for the shape; managed throughout, with one warning on stderr, when OpenBLAS is missing.
    /// beta = 0 never reads C, so C may hold garbage. For a weight used many times with few rows,
    /// <see cref="MultiplyPacked"/> is faster still.
    /// </summary>
    /// <param name="lda">Row stride of A as stored: k when not transposed, m when transposed (for dense A).</param>
    public static void Sgemm(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) =>
        Sgemm(ChooseBackend(m, transB), PackedKernels.Best, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>
    /// What <see cref="Sgemm(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// runs, from bench/README.md's "## GEMM": OpenBLAS, except for one row against a transposed B
    /// (a decode step's <c>y = x·Wᵀ</c>), where the managed row path took a layer's five products in
    /// well under half of OpenBLAS's time (OpenBLAS's 1536×576 and vocabulary products were 3–4×
    /// slower, its small ones at most 1.5× faster); the managed path for everything when OpenBLAS
    /// is missing.
    /// </summary>
    internal static GemmBackend ChooseBackend(int m, Transpose transB)
    {
        if (!OpenBlas.IsAvailable)
        {
            if (Interlocked.Exchange(ref _warnedManaged, 1) == 0)
                Console.Error.WriteLine("warning: libopenblas.so.0 not found (Debian: apt install libopenblas0-pthread); " +
                    "matrix products use FineTune's slower managed kernels.");
            return GemmBackend.Managed;
        }
        return m == 1 && transB == Transpose.Yes ? GemmBackend.Managed : GemmBackend.OpenBlas;
    }

    /// <param name="managedKernel">The inner kernel when <paramref name="backend"/> is <see cref="GemmBackend.Managed"/>.</param>
    internal static void Sgemm(GemmBackend backend, PackedKernel managedKernel, Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        CheckOperand(nameof(a), a.Length, transA == Transpose.No ? m : k, transA == Transpose.No ? k : m, lda);
        CheckOperand(nameof(b), b.Length, transB == Transpose.No ? k : n, transB == Transpose.No ? n : k, ldb);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleRows(c, m, n, ldc, beta); // nothing to add, and BLAS leaves A and B unread
            return;
        }
        if (backend == GemmBackend.OpenBlas)
            OpenBlas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
            SgemmManaged(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, managedKernel);
    }

    /// <summary>
    /// Up to this many rows the managed path skips packing B, which would cost more than reading B
    /// for the product itself. Packing a transposed B is a gather, slower than a stored B's row
    /// copies, so it pays off only later (measured: bench/README.md, "## GEMM").
    /// </summary>
    internal static int RowGemmMaxRows(Transpose transB) => transB == Transpose.Yes ? 8 : 4;

    /// <summary>
    /// Few rows: <see cref="RowGemm"/>. Otherwise packs alpha·op(A) into row tiles and op(B)ᵀ into
    /// panels, then runs the packed kernel.
    /// </summary>
    private static void SgemmManaged(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, PackedKernel kernel)
    {
        if (m <= RowGemmMaxRows(transB))
        {
            RowGemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        var accumulate = beta != 0;
        if (accumulate && beta != 1) ScaleRows(c, m, n, ldc, beta);
        using var tiles = new AlignedFloats((long)m * k);
        Packing.PackRowTiles(a, m, k, lda, transA == Transpose.Yes, alpha, tiles.Span);
        // The kernel reads Wᵀ = op(B) (k×n) as W (n×k); B stored (k×n) is that W transposed.
        using var panels = new AlignedFloats(Packing.PanelFloats(n, k));
        Packing.PackPanels(b, n, k, ldb, sourceIsTransposed: transB == Transpose.No, panels.Span);
        fixed (float* y = c)
            PackedGemm.Run(tiles.Pointer, m, n, k, panels.Pointer, y, ldc, accumulate, kernel);
    }

    /// <summary>
    /// <c>y (m×n) = x (m×k) · Wᵀ</c>, or <c>y += x · Wᵀ</c> when <paramref name="accumulate"/>, with
    /// W packed beforehand; dense rows, k = <see cref="PackedWeights.K"/>, n = <see cref="PackedWeights.N"/>.
    /// The project's own AVX-512 kernel; fastest for few rows (decode, batched decode).
    /// </summary>
    public static void MultiplyPacked(ReadOnlySpan<float> x, int m, PackedWeights w, Span<float> y, bool accumulate) =>
        MultiplyPacked(x, m, w, y, accumulate, PackedKernels.Best);

    internal static void MultiplyPacked(ReadOnlySpan<float> x, int m, PackedWeights w, Span<float> y, bool accumulate, PackedKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(w);
        CheckOperand(nameof(x), x.Length, m, w.K, w.K);
        CheckOperand(nameof(y), y.Length, m, w.N, w.N);
        if (m == 1)
        {
            // One row is its own tile (see Packing), so x is read in place.
            fixed (float* xp = x)
            fixed (float* yp = y)
                PackedGemm.Run(xp, m, w.N, w.K, w.Pointer, yp, w.N, accumulate, kernel);
            return;
        }
        using var tiles = new AlignedFloats((long)m * w.K);
        Packing.PackRowTiles(x, m, w.K, w.K, sourceIsTransposed: false, alpha: 1, tiles.Span);
        fixed (float* yp = y)
            PackedGemm.Run(tiles.Pointer, m, w.N, w.K, w.Pointer, yp, w.N, accumulate, kernel);
    }

    /// <summary>The plain triple loop every fast path is tested against; accumulates in double.</summary>
    public static void Reference(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (var i = 0; i < m; i++)
        for (var j = 0; j < n; j++)
        {
            double sum = 0;
            for (var p = 0; p < k; p++)
            {
                var av = transA == Transpose.No ? a[i * lda + p] : a[p * lda + i];
                var bv = transB == Transpose.No ? b[p * ldb + j] : b[j * ldb + p];
                sum += (double)av * bv;
            }
            var prior = beta == 0 ? 0 : beta * c[i * ldc + j]; // beta 0 ignores NaN in C, as BLAS does
            c[i * ldc + j] = (float)(alpha * sum + prior);
        }
    }

    /// <summary>C = beta·C over m rows of n; beta 0 writes zeros without reading.</summary>
    private static void ScaleRows(Span<float> c, int m, int n, int ldc, float beta)
    {
        if (beta == 1) return;
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>
    /// Throws unless a span holds a rows×cols matrix at row stride ld; native code would otherwise
    /// read or write past it.
    /// </summary>
    private static void CheckOperand(string name, int length, int rows, int cols, int ld)
    {
        if (rows < 0 || cols < 0)
            throw new ArgumentOutOfRangeException(name, $"{name} would be {rows}×{cols}; dimensions cannot be negative.");
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(name, $"{name} is {rows}×{cols} as stored, so its row stride must be at least {Math.Max(1, cols)}, not {ld}.");
        var needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"{name} holds {length} values; {rows}×{cols} at row stride {ld} needs {needed}.", name);
    }
}
