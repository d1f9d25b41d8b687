using FineTune.Engine.Adapters;
using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Adapters;

public class LoraLinearTests
{
    /// <summary>
    /// BLAS float products (three chained through rank r) against double sums over C = 24;
    /// a wrong term is off by O(1).
    /// </summary>
    const double FastVsReference = 1e-5;

    const int N = 5, C = 24, OC = 10, R = 3;
    const float Scale = 0.75f;

    sealed record Inputs(float[] X, float[] W0, float[] Bias, float[] A, float[] B, float[] Mask);

    static Inputs Draw(int seed, int n, int c, int oc, int r, bool withDropout, bool withBias = true)
    {
        var mask = new float[withDropout ? n * c : 0];
        if (withDropout) AdapterDropout.DrawMask(mask, 0.25f, new Random(seed));
        return new(GradientCheck.Random(n * c, seed + 1), GradientCheck.Random(oc * c, seed + 2),
            withBias ? GradientCheck.Random(oc, seed + 3) : [], GradientCheck.Random(r * c, seed + 4),
            GradientCheck.Random(oc * r, seed + 5), mask);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Forward_matches_the_reference(bool withDropout, bool withBias)
    {
        var p = Draw(20, N, C, OC, R, withDropout, withBias);
        float[] expected = new float[N * OC], actual = new float[N * OC], xaExpected = new float[N * R], xa = new float[N * R];
        Array.Fill(actual, float.NaN); // without bias the output's old contents must be ignored
        LoraLinear.ReferenceForward(expected, p.X, p.W0, p.Bias, p.A, p.B, Scale, C, OC, R, xaExpected, p.Mask);
        LoraLinear.Forward(actual, p.X, p.W0, p.Bias, p.A, p.B, Scale, C, OC, R, xa, p.Mask);
        GradientCheck.AssertClose(expected, actual, FastVsReference, "out");
        GradientCheck.AssertClose(xaExpected, xa, FastVsReference, "xa");
    }

    [Fact]
    public void Forward_adds_the_scaled_low_rank_product()
    {
        // x = [1, 2], W0 = I, A = [[1, 1]], B = [[1], [-1]], s = 0.5: xa = 3, y = [1, 2] + 0.5·3·[1, −1] = [2.5, 0.5]
        float[] output = new float[2], xa = new float[1];
        LoraLinear.Forward(output, [1f, 2], [1f, 0, 0, 1], [], [1f, 1], [1f, -1], 0.5f, 2, 2, 1, xa, []);
        Assert.Equal([3f], xa);
        Assert.Equal([2.5f, 0.5f], output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_matches_the_reference_and_accumulates(bool withDropout)
    {
        var p = Draw(30, N, C, OC, R, withDropout);
        var xa = new float[N * R];
        LoraLinear.Forward(new float[N * OC], p.X, p.W0, p.Bias, p.A, p.B, Scale, C, OC, R, xa, p.Mask);
        var dout = GradientCheck.Random(N * OC, 36);
        var dxExpected = GradientCheck.Random(N * C, 37);
        var daExpected = GradientCheck.Random(R * C, 38);
        var dbExpected = GradientCheck.Random(OC * R, 39);
        float[] dx = [.. dxExpected], da = [.. daExpected], db = [.. dbExpected];
        LoraLinear.ReferenceBackward(dxExpected, daExpected, dbExpected, dout, p.X, p.W0, p.A, p.B, Scale, p.Mask, C, OC, R);
        LoraLinear.Backward(dx, da, db, dout, p.X, p.W0, p.A, p.B, Scale, xa, p.Mask, C, OC, R);
        GradientCheck.AssertClose(dxExpected, dx, FastVsReference, "dx");
        GradientCheck.AssertClose(daExpected, da, FastVsReference, "dA");
        GradientCheck.AssertClose(dbExpected, db, FastVsReference, "dB");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_matches_finite_differences(bool withDropout)
    {
        const int n = 3, c = 5, oc = 4, r = 2;
        var p = Draw(40, n, c, oc, r, withDropout);
        var rw = GradientCheck.Random(n * oc, 46);
        float[] output = new float[n * oc], xa = new float[n * r];
        double Loss()
        {
            LoraLinear.Forward(output, p.X, p.W0, p.Bias, p.A, p.B, Scale, c, oc, r, xa, p.Mask);
            return GradientCheck.Project(output, rw);
        }
        Loss();
        float[] dx = new float[p.X.Length], da = new float[p.A.Length], db = new float[p.B.Length];
        LoraLinear.Backward(dx, da, db, rw, p.X, p.W0, p.A, p.B, Scale, xa, p.Mask, c, oc, r);
        GradientCheck.AssertMatches(dx, GradientCheck.Numeric(p.X, Loss), "dx");
        GradientCheck.AssertMatches(da, GradientCheck.Numeric(p.A, Loss), "dA");
        GradientCheck.AssertMatches(db, GradientCheck.Numeric(p.B, Loss), "dB");
    }

    [Fact]
    public void Zero_B_is_the_base_layer_and_only_B_gets_a_gradient()
    {
        var p = Draw(50, N, C, OC, R, withDropout: false);
        Array.Clear(p.B);
        float[] expected = new float[N * OC], actual = new float[N * OC], xa = new float[N * R];
        Linear.Forward(expected, p.X, p.W0, p.Bias, C, OC);
        LoraLinear.Forward(actual, p.X, p.W0, p.Bias, p.A, p.B, Scale, C, OC, R, xa, []);
        Assert.Equal(expected, actual);

        // W0 is frozen: the only way into it is the input gradient, which must be the base layer's own.
        var dout = GradientCheck.Random(N * OC, 56);
        float[] dxBase = new float[N * C], dx = new float[N * C], da = new float[R * C], db = new float[OC * R];
        Linear.Backward(dxBase, [], [], dout, p.X, p.W0, C, OC);
        LoraLinear.Backward(dx, da, db, dout, p.X, p.W0, p.A, p.B, Scale, xa, [], C, OC, R);
        Assert.Equal(dxBase, dx);
        Assert.All(da, value => Assert.Equal(0f, value)); // dA = s·Bᵀ·… vanishes while B = 0
        Assert.Contains(db, value => value != 0);
    }

    [Fact]
    public void Frozen_weight_and_skipped_gradients_are_left_alone()
    {
        var p = Draw(60, N, C, OC, R, withDropout: true);
        float[] w0Before = [.. p.W0], xa = new float[N * R];
        LoraLinear.Forward(new float[N * OC], p.X, p.W0, p.Bias, p.A, p.B, Scale, C, OC, R, xa, p.Mask);
        var dout = GradientCheck.Random(N * OC, 66);
        float[] dbOnly = new float[OC * R], dbAll = new float[OC * R], dx = new float[N * C], da = new float[R * C];
        LoraLinear.Backward([], [], dbOnly, dout, p.X, p.W0, p.A, p.B, Scale, xa, p.Mask, C, OC, R);
        LoraLinear.Backward(dx, da, dbAll, dout, p.X, p.W0, p.A, p.B, Scale, xa, p.Mask, C, OC, R);
        Assert.Equal(w0Before, p.W0);
        Assert.Equal(dbAll, dbOnly);
    }

    [Fact]
    public void Merged_weight_gives_the_adapter_output()
    {
        var p = Draw(70, N, C, OC, R, withDropout: false);
        float[] merged = new float[OC * C], expected = new float[N * OC], actual = new float[N * OC];
        LoraLinear.Merge(p.W0, p.A, p.B, Scale, merged, C, OC, R);
        LoraLinear.Forward(expected, p.X, p.W0, p.Bias, p.A, p.B, Scale, C, OC, R, new float[N * R], []);
        Linear.Forward(actual, p.X, merged, p.Bias, C, OC);
        GradientCheck.AssertClose(expected, actual, FastVsReference, "merged out");
    }

    [Fact]
    public void Scale_is_alpha_over_rank_or_over_its_root_with_rsLoRA()
    {
        Assert.Equal(4f, LoraScale.Of(alpha: 16, rank: 4));
        Assert.Equal(8f, LoraScale.Of(alpha: 16, rank: 4, rankStabilized: true));
        Assert.Equal(2f, LoraScale.Of(alpha: 8, rank: 16, rankStabilized: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => LoraScale.Of(16, 0));
    }

    [Fact]
    public void RsLoRA_scale_doubles_the_update_at_rank_four()
    {
        // At r = 4, alpha/√r is twice alpha/r, so the adapter's share of the output doubles.
        var p = Draw(80, N, C, OC, 4, withDropout: false);
        float[] baseOut = new float[N * OC], plain = new float[N * OC], stabilized = new float[N * OC], xa = new float[N * 4];
        Linear.Forward(baseOut, p.X, p.W0, p.Bias, C, OC);
        LoraLinear.Forward(plain, p.X, p.W0, p.Bias, p.A, p.B, LoraScale.Of(8, 4), C, OC, 4, xa, []);
        LoraLinear.Forward(stabilized, p.X, p.W0, p.Bias, p.A, p.B, LoraScale.Of(8, 4, rankStabilized: true), C, OC, 4, xa, []);
        var doubled = new float[N * OC];
        for (var i = 0; i < doubled.Length; i++) doubled[i] = baseOut[i] + 2 * (plain[i] - baseOut[i]);
        GradientCheck.AssertClose(doubled, stabilized, FastVsReference, "rsLoRA out");
    }
}
