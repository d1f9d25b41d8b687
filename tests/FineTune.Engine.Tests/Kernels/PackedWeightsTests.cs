using FineTune.Engine.Kernels;

namespace FineTune.Engine.Tests.Kernels;

public class PackedWeightsTests
{
    // y = x·Wᵀ is Sgemm(No, Yes) with A = x (m×k), B = W (n×k); accumulate is beta = 1.
    private static GemmOperands Product(int m, int n, int k, bool accumulate, int seed = 1) =>
        new(Transpose.No, Transpose.Yes, m, n, k, alpha: 1, beta: accumulate ? 1 : 0, seed: seed);

    private static float[] MultiplyPacked(GemmOperands o, PackedWeights w, PackedKernel kernel, int? rows = null)
    {
        var y = o.FreshC();
        Gemm.MultiplyPacked(o.A, rows ?? o.M, w, y, o.Beta != 0, kernel);
        return y;
    }

    public static TheoryData<int, int, int, bool> OddShapes()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 31, 7), (8, 33, 513), (9, 64, 1), (17, 100, 65), (1, 70, 1030) })
        foreach (var accumulate in new[] { false, true })
            data.Add(m, n, k, accumulate);
        return data;
    }

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void EveryKernelMatchesReference(int m, int n, int k, bool accumulate)
    {
        var operands = Product(m, n, k, accumulate);
        var packed = PackedWeights.Pack(operands.B, n, k);
        Assert.Equal((n, k), (packed.N, packed.K));
        foreach (var kernel in PackedKernels.Supported)
            operands.AssertMatches(MultiplyPacked(operands, packed, kernel), $"packed/{kernel}");
    }

    [Fact]
    public void DecodeShapesOfOneToSixteenRowsMatchReference()
    {
        foreach (var (n, k) in new[] { (576, 1536), (1536, 576) })
        {
            var operands = Product(16, n, k, accumulate: false);
            var packed = PackedWeights.Pack(operands.B, n, k);
            foreach (var kernel in PackedKernels.Supported)
            for (var rows = 1; rows <= 16; rows++)
                operands.AssertMatches(MultiplyPacked(operands, packed, kernel, rows), $"packed/{kernel}, {rows} rows", rows);
        }
    }

    [Fact]
    public void PublicEntryPointMatchesReference()
    {
        var operands = Product(5, 40, 20, accumulate: true);
        var y = operands.FreshC();
        Gemm.MultiplyPacked(operands.A, 5, PackedWeights.Pack(operands.B, 40, 20), y, accumulate: true);
        operands.AssertMatches(y, "MultiplyPacked");
    }

    [Fact]
    public void RepackReplacesTheWeight()
    {
        var first = Product(4, 48, 24, accumulate: false, seed: 1);
        var second = Product(4, 48, 24, accumulate: false, seed: 2);
        var packed = PackedWeights.Pack(first.B, 48, 24);
        packed.Repack(second.B);
        second.AssertMatches(MultiplyPacked(second, packed, PackedKernels.Best), "after Repack");
    }

    [Fact]
    public void ValuesPastTheProductAreUntouched()
    {
        var operands = Product(2, 5, 3, accumulate: false);
        var y = new float[2 * 5 + 4];
        Array.Fill(y, -7f);
        Gemm.MultiplyPacked(operands.A, 2, PackedWeights.Pack(operands.B, 5, 3), y, accumulate: false);
        Assert.All(y[10..], value => Assert.Equal(-7f, value));
        Assert.DoesNotContain(-7f, y[..10]);
    }

    [Fact]
    public void WeightOfWrongLengthIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => PackedWeights.Pack(new float[11], 3, 4));
        Assert.Contains("3×4", error.Message);
    }

    [Fact]
    public void InputTooShortIsRejected()
    {
        var packed = PackedWeights.Pack(new float[12], 3, 4);
        var error = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(new float[7], 2, packed, new float[6], accumulate: false));
        Assert.Equal("x", error.ParamName);
    }
}
