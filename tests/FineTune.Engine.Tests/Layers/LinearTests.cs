using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class LinearTests
{
    /// <summary>Gemm's float products against double sums over C = 24.</summary>
    const double GemmVsReference = 2e-6;

    const int N = 5, C = 24, OC = 10;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_matches_the_reference(bool withBias)
    {
        var x = GradientCheck.Random(N * C, 1);
        var w = GradientCheck.Random(OC * C, 2);
        var bias = withBias ? GradientCheck.Random(OC, 3) : [];
        float[] expected = new float[N * OC], actual = new float[N * OC];
        Array.Fill(actual, float.NaN); // no bias: the output's old contents must be ignored
        Linear.ReferenceForward(expected, x, w, bias, C, OC);
        Linear.Forward(actual, x, w, bias, C, OC);
        GradientCheck.AssertClose(expected, actual, GemmVsReference, "out");
    }

    [Fact]
    public void Forward_computes_x_times_w_transposed_plus_bias()
    {
        // x = [1, 2], W = [[1, 0], [0, 1], [1, 1]] (OC = 3), bias = [0.5, 0, -1] → [1.5, 2, 2]
        var output = new float[3];
        Linear.Forward(output, [1f, 2], [1f, 0, 0, 1, 1, 1], [0.5f, 0, -1], inChannels: 2, outChannels: 3);
        Assert.Equal([1.5f, 2, 2], output);
    }

    [Fact]
    public void Backward_matches_the_reference_and_accumulates()
    {
        var x = GradientCheck.Random(N * C, 4);
        var w = GradientCheck.Random(OC * C, 5);
        var dout = GradientCheck.Random(N * OC, 6);
        var dxExpected = GradientCheck.Random(N * C, 7);
        var dwExpected = GradientCheck.Random(OC * C, 8);
        var dbExpected = GradientCheck.Random(OC, 9);
        float[] dx = [.. dxExpected], dw = [.. dwExpected], db = [.. dbExpected];
        Linear.ReferenceBackward(dxExpected, dwExpected, dbExpected, dout, x, w, C, OC);
        Linear.Backward(dx, dw, db, dout, x, w, C, OC);
        GradientCheck.AssertClose(dxExpected, dx, GemmVsReference, "dx");
        GradientCheck.AssertClose(dwExpected, dw, GemmVsReference, "dw");
        GradientCheck.AssertClose(dbExpected, db, GemmVsReference, "dbias");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        const int n = 3, c = 4, oc = 5;
        var x = GradientCheck.Random(n * c, 10);
        var w = GradientCheck.Random(oc * c, 11);
        var bias = GradientCheck.Random(oc, 12);
        var r = GradientCheck.Random(n * oc, 13);
        var output = new float[n * oc];
        double Loss()
        {
            Linear.Forward(output, x, w, bias, c, oc);
            return GradientCheck.Project(output, r);
        }
        float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[oc];
        Linear.Backward(dx, dw, db, r, x, w, c, oc);
        GradientCheck.AssertMatches(dx, GradientCheck.Numeric(x, Loss), "dx");
        GradientCheck.AssertMatches(dw, GradientCheck.Numeric(w, Loss), "dW");
        GradientCheck.AssertMatches(db, GradientCheck.Numeric(bias, Loss), "dbias");
    }

    [Fact]
    public void Frozen_weight_still_passes_the_gradient_to_the_input()
    {
        var x = GradientCheck.Random(N * C, 14);
        var w = GradientCheck.Random(OC * C, 15);
        var dout = GradientCheck.Random(N * OC, 16);
        float[] dxTrained = new float[x.Length], dwTrained = new float[w.Length], dxFrozen = new float[x.Length];
        Linear.Backward(dxTrained, dwTrained, default, dout, x, w, C, OC);
        Linear.Backward(dxFrozen, default, default, dout, x, w, C, OC);
        Assert.Equal(dxTrained, dxFrozen);
        Assert.Contains(dwTrained, g => g != 0); // the trained call did produce a weight gradient
    }

    [Fact]
    public void Only_the_requested_gradients_are_written()
    {
        var x = GradientCheck.Random(N * C, 17);
        var w = GradientCheck.Random(OC * C, 18);
        var dout = GradientCheck.Random(N * OC, 19);
        var dw = GradientCheck.Random(OC * C, 20);
        var before = (float[])dw.Clone();
        var dx = new float[x.Length];
        Linear.Backward(dx, default, default, dout, x, w, C, OC);
        Assert.Equal(before, dw);

        // With dx skipped, the weight gradient alone is still computed.
        var dwOnly = new float[w.Length];
        Linear.Backward(default, dwOnly, default, dout, x, w, C, OC);
        Assert.Contains(dwOnly, g => g != 0);
    }
}
