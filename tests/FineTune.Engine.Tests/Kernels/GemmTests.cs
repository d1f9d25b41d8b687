using FineTune.Engine.Kernels;

namespace FineTune.Engine.Tests.Kernels;

public class GemmTests
{
    /// <summary>One way to run a product: a backend called directly, or (Backend null) the public dispatch.</summary>
    private sealed record SgemmPath(string Name, GemmBackend? Backend, PackedKernel Kernel)
    {
        public void Run(GemmOperands o, float[] c, int? rows = null)
        {
            var m = rows ?? o.M;
            if (Backend is { } backend)
                Gemm.Sgemm(backend, Kernel, o.TransA, o.TransB, m, o.N, o.K, o.Alpha, o.A, o.Lda, o.B, o.Ldb, o.Beta, c, o.Ldc);
            else
                Gemm.Sgemm(o.TransA, o.TransB, m, o.N, o.K, o.Alpha, o.A, o.Lda, o.B, o.Ldb, o.Beta, c, o.Ldc);
        }
    }

    /// <summary>Every implementation behind <see cref="Gemm.Sgemm"/>, and the dispatch itself.</summary>
    private static IEnumerable<SgemmPath> Paths(bool withDispatch = true)
    {
        yield return new("OpenBLAS", GemmBackend.OpenBlas, PackedKernels.Best);
        foreach (var kernel in PackedKernels.Supported)
            yield return new($"managed/{kernel}", GemmBackend.Managed, kernel);
        if (withDispatch) yield return new("Sgemm dispatch", null, PackedKernels.Best);
    }

    public static TheoryData<Transpose, Transpose, int, int, int, float, float, int> Cases()
    {
        var data = new TheoryData<Transpose, Transpose, int, int, int, float, float, int>();
        (int M, int N, int K)[] shapes =
        [
            (1, 1, 1), (7, 13, 29), (1, 33, 17), (9, 31, 5), (2, 3, 1),
            (16, 65, 513),  // crosses a k slice, a partial panel and a second row tile
            (64, 32, 64),   // one panel: the threads split rows instead
            (33, 70, 600),
        ];
        (float Alpha, float Beta, int Padding)[] scalings = [(1, 0, 0), (0.5f, -2, 3), (-1.5f, 1, 1)];
        foreach (var transA in new[] { Transpose.No, Transpose.Yes })
        foreach (var transB in new[] { Transpose.No, Transpose.Yes })
        foreach (var (m, n, k) in shapes)
        foreach (var (alpha, beta, padding) in scalings)
            data.Add(transA, transB, m, n, k, alpha, beta, padding);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryPathMatchesReference(Transpose transA, Transpose transB, int m, int n, int k, float alpha, float beta, int padding)
    {
        var operands = new GemmOperands(transA, transB, m, n, k, alpha, beta, padding);
        foreach (var path in Paths())
        {
            var c = operands.FreshC();
            path.Run(operands, c);
            operands.AssertMatches(c, path.Name);
        }
    }

    [Fact]
    public void DecodeShapesOfOneToSixteenRowsMatchReference()
    {
        // SmolLM2's MLP down projection, y = x·Wᵀ with W (576, 1536), for a batch of 1..16 tokens.
        var operands = new GemmOperands(Transpose.No, Transpose.Yes, 16, 576, 1536, 1, 0);
        foreach (var path in Paths(withDispatch: false))
        for (var rows = 1; rows <= 16; rows++)
        {
            var c = operands.FreshC();
            path.Run(operands, c, rows);
            operands.AssertMatches(c, $"{path.Name}, {rows} rows", rows);
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(2f)]
    public void EmptyInnerDimensionOnlyScalesC(float beta)
    {
        var operands = new GemmOperands(Transpose.No, Transpose.No, 3, 4, 0, 1, beta, padding: 2);
        foreach (var path in Paths())
        {
            var c = operands.FreshC();
            path.Run(operands, c);
            operands.AssertMatches(c, path.Name);
        }
    }

    [Fact]
    public void ZeroRowsOrColumnsLeaveCUntouched()
    {
        var c = new[] { 7f, 8f };
        foreach (var backend in new[] { GemmBackend.OpenBlas, GemmBackend.Managed })
        {
            Gemm.Sgemm(backend, PackedKernels.Best, Transpose.No, Transpose.No, 0, 2, 3, 1, [], 3, new float[6], 2, 0, [], 2);
            Gemm.Sgemm(backend, PackedKernels.Best, Transpose.No, Transpose.No, 1, 0, 3, 1, new float[3], 3, [], 1, 0, c, 1);
        }
        Assert.Equal([7f, 8f], c);
    }

    [Fact]
    public void OpenBlasIsFound()
    {
        // The project depends on Debian's libopenblas0-pthread; without it every product is slower.
        Assert.True(OpenBlas.IsAvailable, "libopenblas.so.0 did not load; install libopenblas0-pthread");
    }

    [Theory]
    [InlineData(1, Transpose.Yes, true)]   // one row against Wᵀ: the managed row path won
    [InlineData(1, Transpose.No, false)]
    [InlineData(2, Transpose.Yes, false)]
    [InlineData(1024, Transpose.Yes, false)]
    public void DispatchFollowsTheBench(int m, Transpose transB, bool managed) =>
        Assert.Equal(managed ? GemmBackend.Managed : GemmBackend.OpenBlas, Gemm.ChooseBackend(m, transB));

    [Fact]
    public void OperandTooShortForItsShapeIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(Transpose.No, Transpose.No, 2, 2, 2, 1, new float[3], 2, new float[4], 2, 0, new float[4], 2));
        Assert.Equal("a", error.ParamName);
        Assert.Contains("needs 4", error.Message);
    }

    [Fact]
    public void RowStrideBelowRowLengthIsRejected()
    {
        // B transposed is stored n×k = 2×3, so its stride must be at least 3.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Sgemm(Transpose.No, Transpose.Yes, 2, 2, 3, 1, new float[6], 3, new float[6], 2, 0, new float[4], 2));
        Assert.Equal("b", error.ParamName);
    }

    [Fact]
    public void TooShortCIsRejectedBeforeAnyWrite()
    {
        var c = new float[3];
        Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(GemmBackend.OpenBlas, PackedKernels.Best, Transpose.No, Transpose.No, 2, 2, 1, 1, [1f, 2f], 1, [3f, 4f], 2, 0, c, 2));
        Assert.Equal(new float[3], c);
    }
}
