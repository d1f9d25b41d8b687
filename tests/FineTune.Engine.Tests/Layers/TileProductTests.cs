using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class TileProductTests
{
    /// <summary>Float sums of k ≤ 70 products of values in [−1, 1] against double sums.</summary>
    const double VectorVsReference = 2e-6;

    [Theory]
    [InlineData(4, 16, 8, false)]   // one register block, one strip
    [InlineData(7, 37, 13, false)]  // ragged rows (clamped block) and a scalar column tail
    [InlineData(64, 64, 64, true)]  // a full attention block, A read transposed
    [InlineData(1, 64, 70, true)]   // a single row
    [InlineData(5, 3, 9, true)]     // fewer columns than one strip
    public void Matches_the_triple_loop(int m, int n, int k, bool transposedA)
    {
        // Strided operands, as attention passes them: rows of A, B and C sit inside wider rows.
        int aRowStride = transposedA ? 1 : k + 3, aColStride = transposedA ? m + 2 : 1;
        int ldb = n + 5, ldc = n + 1;
        var a = GradientCheck.Random(transposedA ? (k - 1) * aColStride + m : (m - 1) * aRowStride + k, 1);
        var b = GradientCheck.Random((k - 1) * ldb + n, 2);
        var expected = GradientCheck.Random((m - 1) * ldc + n, 3);
        var actual = (float[])expected.Clone();

        TileProduct.Reference(a, aRowStride, aColStride, b, ldb, expected, ldc, m, n, k);
        TileProduct.MultiplyAdd(a, aRowStride, aColStride, b, ldb, actual, ldc, m, n, k);

        GradientCheck.AssertClose(expected, actual, VectorVsReference, "C");
    }

    [Fact]
    public void Leaves_the_gaps_between_strided_rows_alone()
    {
        const int m = 5, n = 16, k = 4, ldc = n + 3;
        var c = new float[(m - 1) * ldc + n];
        Array.Fill(c, 7f);
        TileProduct.MultiplyAdd(GradientCheck.Random(m * k, 1), k, 1, GradientCheck.Random(k * n, 2), n, c, ldc, m, n, k);
        for (var row = 0; row < m - 1; row++)
            for (var gap = n; gap < ldc; gap++) Assert.Equal(7f, c[row * ldc + gap]);
    }

    [Fact]
    public void Rejects_operands_shorter_than_their_shape()
    {
        Assert.Throws<ArgumentException>(() =>
            TileProduct.MultiplyAdd(new float[15], 4, 1, new float[64], 16, new float[64], 16, 4, 16, 4));
    }
}
