using FineTune.Engine.Adapters;
using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Adapters;

public class DoraLinearTests
{
    /// <summary>
    /// Factored float passes (BLAS products, float norms, one division per channel) against the
    /// explicit W' in double over C = 24; a wrong term is off by O(1).
    /// </summary>
    const double FastVsReference = 1e-5;

    const int N = 5, C = 24, OC = 10, R = 3;
    const float Scale = 0.75f;

    sealed record Inputs(float[] X, float[] W0, float[] Bias, float[] A, float[] B, float[] Magnitude);

    static Inputs Draw(int seed, int n, int c, int oc, int r, bool withBias = true)
    {
        // Magnitudes in [0.5, 1.5]: away from zero, so dm and the scaled gradients are all exercised.
        var magnitude = GradientCheck.Random(oc, seed + 6, 0.5f);
        for (var o = 0; o < oc; o++) magnitude[o] += 1f;
        return new(GradientCheck.Random(n * c, seed + 1), GradientCheck.Random(oc * c, seed + 2),
            withBias ? GradientCheck.Random(oc, seed + 3) : [], GradientCheck.Random(r * c, seed + 4),
            GradientCheck.Random(oc * r, seed + 5), magnitude);
    }

    sealed record Saved(float[] Output, float[] Xa, float[] Unscaled, float[] Norms);

    static Saved RunForward(Inputs p, int n, int c, int oc, int r)
    {
        var saved = new Saved(new float[n * oc], new float[n * r], new float[n * oc], new float[oc]);
        DoraLinear.Forward(saved.Output, p.X, p.W0, p.Bias, p.A, p.B, p.Magnitude, Scale, c, oc, r, saved.Xa, saved.Unscaled, saved.Norms);
        return saved;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_matches_the_reference(bool withBias)
    {
        var p = Draw(100, N, C, OC, R, withBias);
        var expected = new float[N * OC];
        DoraLinear.ReferenceForward(expected, p.X, p.W0, p.Bias, p.A, p.B, p.Magnitude, Scale, C, OC, R);
        GradientCheck.AssertClose(expected, RunForward(p, N, C, OC, R).Output, FastVsReference, "out");
    }

    [Fact]
    public void Norm_is_taken_over_each_output_row()
    {
        // W0 = [[3, 4], [0, 1]] with B = 0: row norms [5, 1] (column norms would be [3, √17]).
        var norms = new float[2];
        DoraLinear.WeightNorms(norms, [3f, 4, 0, 1], [1f, 1], [0f, 0], 1f, inChannels: 2, outChannels: 2, rank: 1);
        Assert.Equal([5f, 1f], norms);
        // m = [10, 2] rescales each row to that length: x = [1, 1] → [10·7/5, 2·1/1] = [14, 2].
        float[] output = new float[2], xa = new float[1], unscaled = new float[2];
        DoraLinear.Forward(output, [1f, 1], [3f, 4, 0, 1], [], [1f, 1], [0f, 0], [10f, 2], 1f, 2, 2, 1, xa, unscaled, norms);
        Assert.Equal([14f, 2f], output);
    }

    [Fact]
    public void Backward_matches_the_reference_and_accumulates()
    {
        var p = Draw(110, N, C, OC, R);
        var saved = RunForward(p, N, C, OC, R);
        var dout = GradientCheck.Random(N * OC, 116);
        var dxExpected = GradientCheck.Random(N * C, 117);
        var daExpected = GradientCheck.Random(R * C, 118);
        var dbExpected = GradientCheck.Random(OC * R, 119);
        var dmExpected = GradientCheck.Random(OC, 120);
        float[] dx = [.. dxExpected], da = [.. daExpected], db = [.. dbExpected], dm = [.. dmExpected];
        DoraLinear.ReferenceBackward(dxExpected, daExpected, dbExpected, dmExpected, dout, p.X, p.W0, p.A, p.B, p.Magnitude, Scale, C, OC, R);
        DoraLinear.Backward(dx, da, db, dm, dout, p.X, p.W0, p.A, p.B, p.Magnitude, Scale, saved.Xa, saved.Unscaled, saved.Norms, C, OC, R);
        GradientCheck.AssertClose(dxExpected, dx, FastVsReference, "dx");
        GradientCheck.AssertClose(daExpected, da, FastVsReference, "dA");
        GradientCheck.AssertClose(dbExpected, db, FastVsReference, "dB");
        GradientCheck.AssertClose(dmExpected, dm, FastVsReference, "dm");
    }

    /// <summary>
    /// Backward treats ‖V‖_c as a constant (the paper's memory-saving choice), so the function it
    /// differentiates is y with the norms frozen at the unperturbed weights' values. The numeric
    /// reference therefore computes the norms once, before any perturbation, and every perturbed
    /// loss reuses them. For m and x this is the full function anyway, since ‖V‖ depends on neither;
    /// for A and B the last assertion shows the full function's gradient really is different.
    /// </summary>
    [Fact]
    public void Backward_matches_finite_differences_with_the_norm_detached()
    {
        const int n = 3, c = 5, oc = 4, r = 2;
        var p = Draw(130, n, c, oc, r);
        var saved = RunForward(p, n, c, oc, r);
        var detachedNorms = (float[])saved.Norms.Clone();
        var rw = GradientCheck.Random(n * oc, 136);
        float[] output = new float[n * oc], xa = new float[n * r], unscaled = new float[n * oc], norms = new float[oc];
        double DetachedLoss()
        {
            DoraLinear.ForwardWithNorms(output, p.X, p.W0, p.Bias, p.A, p.B, p.Magnitude, Scale, c, oc, r, xa, unscaled, detachedNorms);
            return GradientCheck.Project(output, rw);
        }
        double FullLoss()
        {
            DoraLinear.Forward(output, p.X, p.W0, p.Bias, p.A, p.B, p.Magnitude, Scale, c, oc, r, xa, unscaled, norms);
            return GradientCheck.Project(output, rw);
        }
        float[] dx = new float[p.X.Length], da = new float[p.A.Length], db = new float[p.B.Length], dm = new float[oc];
        DoraLinear.Backward(dx, da, db, dm, rw, p.X, p.W0, p.A, p.B, p.Magnitude, Scale, saved.Xa, saved.Unscaled, saved.Norms, c, oc, r);
        GradientCheck.AssertMatches(dx, GradientCheck.Numeric(p.X, DetachedLoss), "dx");
        GradientCheck.AssertMatches(dm, GradientCheck.Numeric(p.Magnitude, DetachedLoss), "dm");
        GradientCheck.AssertMatches(da, GradientCheck.Numeric(p.A, DetachedLoss), "dA");
        GradientCheck.AssertMatches(db, GradientCheck.Numeric(p.B, DetachedLoss), "dB");
        GradientCheck.AssertMatches(dx, GradientCheck.Numeric(p.X, FullLoss), "dx (full)");
        GradientCheck.AssertMatches(dm, GradientCheck.Numeric(p.Magnitude, FullLoss), "dm (full)");
        Assert.ThrowsAny<Exception>(() => GradientCheck.AssertMatches(da, GradientCheck.Numeric(p.A, FullLoss), "dA (full)"));
    }

    [Fact]
    public void Starting_magnitude_makes_the_layer_the_base_layer()
    {
        var p = Draw(140, N, C, OC, R);
        AdapterInit.InitializeLora(p.A, p.B, C, new Random(141));
        DoraLinear.InitializeMagnitude(p.Magnitude, p.W0, C, OC);
        var expected = new float[N * OC];
        Linear.Forward(expected, p.X, p.W0, p.Bias, C, OC);
        Assert.Equal(expected, RunForward(p, N, C, OC, R).Output);
    }

    [Fact]
    public void Merged_weight_gives_the_adapter_output()
    {
        var p = Draw(150, N, C, OC, R);
        float[] merged = new float[OC * C], actual = new float[N * OC];
        DoraLinear.Merge(p.W0, p.A, p.B, p.Magnitude, Scale, merged, C, OC, R);
        Linear.Forward(actual, p.X, merged, p.Bias, C, OC);
        GradientCheck.AssertClose(RunForward(p, N, C, OC, R).Output, actual, FastVsReference, "merged out");
        // Each merged row has length m: the magnitude/direction split the adapter trained.
        for (var o = 0; o < OC; o++)
        {
            double squares = 0;
            for (var i = 0; i < C; i++) squares += (double)merged[o * C + i] * merged[o * C + i];
            Assert.Equal(p.Magnitude[o], Math.Sqrt(squares), 5);
        }
    }

    [Fact]
    public void Frozen_weight_is_untouched_and_gets_no_gradient_argument()
    {
        var p = Draw(160, N, C, OC, R);
        float[] w0Before = [.. p.W0];
        var saved = RunForward(p, N, C, OC, R);
        float[] dmOnly = new float[OC], dmAll = new float[OC], dx = new float[N * C], da = new float[R * C], db = new float[OC * R];
        var dout = GradientCheck.Random(N * OC, 166);
        DoraLinear.Backward([], [], [], dmOnly, dout, p.X, p.W0, p.A, p.B, p.Magnitude, Scale, saved.Xa, saved.Unscaled, saved.Norms, C, OC, R);
        DoraLinear.Backward(dx, da, db, dmAll, dout, p.X, p.W0, p.A, p.B, p.Magnitude, Scale, saved.Xa, saved.Unscaled, saved.Norms, C, OC, R);
        Assert.Equal(w0Before, p.W0);
        Assert.Equal(dmAll, dmOnly);
    }
}
