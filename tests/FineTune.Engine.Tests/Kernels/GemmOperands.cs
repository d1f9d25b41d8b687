using FineTune.Engine.Kernels;

namespace FineTune.Engine.Tests.Kernels;

/// <summary>
/// Random operands of one product <c>C = alpha·op(A)·op(B) + beta·C</c>, stored with the given
/// padding past each row, and the check of a result against <see cref="Gemm.Reference"/>.
/// </summary>
internal sealed class GemmOperands
{
    /// <summary>
    /// Allowed error per unit of Σ|alpha·a·b| + |beta·c| feeding an element: float32 rounding over
    /// up to ~1500 terms in a different order than the double-precision reference, with headroom,
    /// yet far below what one wrong or missing term produces.
    /// </summary>
    public const double RelativeToMagnitude = 1e-5;

    public GemmOperands(Transpose transA, Transpose transB, int m, int n, int k, float alpha, float beta,
        int padding = 0, int seed = 1)
    {
        (TransA, TransB, M, N, K, Alpha, Beta) = (transA, transB, m, n, k, alpha, beta);
        var random = new Random(seed);
        (A, Lda) = Stored(random, transA == Transpose.No ? m : k, transA == Transpose.No ? k : m, padding);
        (B, Ldb) = Stored(random, transB == Transpose.No ? k : n, transB == Transpose.No ? n : k, padding);
        (C, Ldc) = Stored(random, m, n, padding);
        if (beta == 0) Array.Fill(C, float.NaN); // beta 0 must not read C
        // Padding between C's rows must survive; a distinct value shows it did.
        for (var i = 0; i + 1 < m; i++) C.AsSpan(i * Ldc + n, Ldc - n).Fill(PaddingMarker);
    }

    public const float PaddingMarker = 12345.5f;

    public Transpose TransA { get; }
    public Transpose TransB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public float[] A { get; }
    public int Lda { get; }
    public float[] B { get; }
    public int Ldb { get; }
    public float[] C { get; }
    public int Ldc { get; }

    /// <summary>A copy of C for one path to write into.</summary>
    public float[] FreshC() => (float[])C.Clone();

    /// <summary>C as <see cref="Gemm.Reference"/> computes it.</summary>
    public float[] Expected => _expected ??= ComputeExpected();

    /// <summary>
    /// Asserts that the first <paramref name="rows"/> rows of <paramref name="actual"/> match the
    /// reference within <see cref="RelativeToMagnitude"/>, and that the padding between rows is intact.
    /// (A product of the first rows of A alone gives the first rows of C, so prefixes share one reference.)
    /// </summary>
    public void AssertMatches(float[] actual, string path, int? rows = null)
    {
        _tolerance ??= ComputeTolerance();
        for (var i = 0; i < (rows ?? M); i++)
        {
            for (var j = 0; j < N; j++)
            {
                var at = i * Ldc + j;
                var error = Math.Abs((double)Expected[at] - actual[at]);
                Assert.True(error <= _tolerance[at],
                    $"{path}: C[{i},{j}] = {actual[at]}, reference {Expected[at]}, error {error:G3} > {_tolerance[at]:G3} ({Describe(rows)})");
            }
            for (var j = N; j < Ldc && i * Ldc + j < actual.Length; j++)
                Assert.True(actual[i * Ldc + j] == PaddingMarker, $"{path}: padding C[{i},{j}] was overwritten ({Describe(rows)})");
        }
    }

    public string Describe(int? rows = null) =>
        $"{TransA}/{TransB} m={rows ?? M} n={N} k={K} alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";

    private float[]? _expected;
    private double[]? _tolerance;

    private float[] ComputeExpected()
    {
        var c = FreshC();
        Gemm.Reference(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    private double[] ComputeTolerance()
    {
        var tolerance = new double[C.Length];
        for (var i = 0; i < M; i++)
        for (var j = 0; j < N; j++)
        {
            double sum = 0;
            for (var p = 0; p < K; p++)
            {
                var av = TransA == Transpose.No ? A[i * Lda + p] : A[p * Lda + i];
                var bv = TransB == Transpose.No ? B[p * Ldb + j] : B[j * Ldb + p];
                sum += Math.Abs((double)av * bv);
            }
            var prior = Beta == 0 ? 0 : Math.Abs((double)Beta * C[i * Ldc + j]);
            tolerance[i * Ldc + j] = RelativeToMagnitude * (Math.Abs(Alpha) * sum + prior);
        }
        return tolerance;
    }

    /// <summary>rows×cols values in [-1, 1) at row stride cols + padding; the last row carries no padding, as BLAS allows.</summary>
    private static (float[] Values, int Ld) Stored(Random random, int rows, int cols, int padding)
    {
        var ld = Math.Max(1, cols + padding);
        var values = new float[rows == 0 ? 0 : (rows - 1) * ld + cols];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2 - 1;
        return (values, ld);
    }
}
