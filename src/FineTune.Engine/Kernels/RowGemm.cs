using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace FineTune.Engine.Kernels;

/// <summary>
/// The managed path for products with few rows, where packing B would cost more than the
/// product: each row of C is built straight from B's rows, as dot products when B is transposed
/// (<c>y = x·Wᵀ</c>: a row of W per output) or as scaled row additions when it is not
/// (<c>dx = dy·W</c>). Columns of C are split across <see cref="WorkerPool"/>.
/// </summary>
internal static unsafe class RowGemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C for operands already checked; m, n, k > 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        // alpha·op(A), one dense row of k after another, so every path reads A's rows in order.
        using var rows = new AlignedFloats((long)m * k);
        for (var i = 0; i < m; i++)
        for (var p = 0; p < k; p++)
            rows.Pointer[(long)i * k + p] = alpha * (transA == Transpose.No ? a[i * lda + p] : a[p * lda + i]);

        fixed (float* bp = b)
        fixed (float* cp = c)
        {
            var body = new Columns
            {
                A = rows.Pointer, B = bp, C = cp, M = m, N = n, K = k, Ldb = ldb, Ldc = ldc, Beta = beta,
                BTransposed = transB == Transpose.Yes,
            };
            // One chunk of columns per thread: long rows keep the vector loops of Dot and MultiplyAdd busy.
            var chunks = (long)m * n * k < PackedGemm.ParallelMultiplyAdds ? 1 : Math.Min(EngineThreads.Count, (n + 15) / 16);
            body.Width = (n + chunks - 1) / chunks;
            WorkerPool.For(chunks, ref body);
        }
    }

    private struct Columns : IParallelBody
    {
        public float* A, B, C;
        public int M, N, K, Ldb, Ldc, Width;
        public float Beta;
        public bool BTransposed;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from its first call; no slow tier to warm up through
        public readonly void Invoke(int index)
        {
            var j0 = index * Width;
            var j1 = Math.Min(N, j0 + Width);
            for (var i = 0; i < M; i++)
            {
                var x = new ReadOnlySpan<float>(A + (long)i * K, K);
                var y = new Span<float>(C + (long)i * Ldc + j0, j1 - j0);
                if (BTransposed)
                    for (var j = j0; j < j1; j++)
                    {
                        var dot = TensorPrimitives.Dot(x, new ReadOnlySpan<float>(B + (long)j * Ldb, K));
                        y[j - j0] = Beta == 0 ? dot : dot + Beta * y[j - j0];
                    }
                else
                {
                    if (Beta == 0) y.Clear();
                    else if (Beta != 1) TensorPrimitives.Multiply(y, Beta, y);
                    for (var p = 0; p < K; p++)
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(B + (long)p * Ldb + j0, j1 - j0), x[p], y, y);
                }
            }
        }
    }
}
