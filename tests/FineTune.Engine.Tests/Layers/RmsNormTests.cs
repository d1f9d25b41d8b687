using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class RmsNormTests
{
    /// <summary>Vectorised float sums over a row of 300 against double sums.</summary>
    const double VectorVsReference = 2e-6;

    const float Eps = 1e-5f;
    // Rows enough for several parallel chunks; a width that is not a multiple of the vector width.
    const int Rows = 70, Channels = 300;

    [Fact]
    public void Forward_matches_the_reference()
    {
        var x = GradientCheck.Random(Rows * Channels, 1, scale: 3);
        var w = GradientCheck.Random(Channels, 2);
        float[] expected = new float[x.Length], expectedRstd = new float[Rows];
        float[] actual = new float[x.Length], actualRstd = new float[Rows];
        RmsNorm.ReferenceForward(expected, expectedRstd, x, w, Eps);
        RmsNorm.Forward(actual, actualRstd, x, w, Eps);
        GradientCheck.AssertClose(expected, actual, VectorVsReference, "out");
        GradientCheck.AssertClose(expectedRstd, actualRstd, VectorVsReference, "rstd");
    }

    [Fact]
    public void Normalises_a_known_row()
    {
        // x = (3, 4): mean square 12.5, so out = x / √(12.5 + eps) · w.
        var output = new float[2];
        var rstd = new float[1];
        RmsNorm.Forward(output, rstd, [3f, 4f], [1f, 2f], Eps);
        var expected = 1 / Math.Sqrt(12.5 + Eps);
        Assert.Equal(expected, rstd[0], 1e-7);
        Assert.Equal(3 * expected, output[0], 1e-6);
        Assert.Equal(8 * expected, output[1], 1e-6);
    }

    [Fact]
    public void Backward_matches_the_reference_and_accumulates()
    {
        var x = GradientCheck.Random(Rows * Channels, 3, scale: 3);
        var w = GradientCheck.Random(Channels, 4);
        var dout = GradientCheck.Random(x.Length, 5);
        var rstd = new float[Rows];
        RmsNorm.Forward(new float[x.Length], rstd, x, w, Eps);
        var dxExpected = GradientCheck.Random(x.Length, 6);
        var dwExpected = GradientCheck.Random(Channels, 7);
        float[] dx = [.. dxExpected], dw = [.. dwExpected];
        RmsNorm.ReferenceBackward(dxExpected, dwExpected, dout, x, w, Eps);
        RmsNorm.Backward(dx, dw, dout, x, w, rstd);
        GradientCheck.AssertClose(dxExpected, dx, VectorVsReference, "dx");
        GradientCheck.AssertClose(dwExpected, dw, VectorVsReference, "dw");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        const int rows = 3, channels = 7;
        var x = GradientCheck.Random(rows * channels, 8, scale: 2);
        var w = GradientCheck.Random(channels, 9);
        var r = GradientCheck.Random(x.Length, 10);
        var output = new float[x.Length];
        var rstd = new float[rows];
        double Loss()
        {
            RmsNorm.Forward(output, rstd, x, w, Eps);
            return GradientCheck.Project(output, r);
        }
        Loss();
        float[] dx = new float[x.Length], dw = new float[channels];
        RmsNorm.Backward(dx, dw, r, x, w, rstd);
        GradientCheck.AssertMatches(dx, GradientCheck.Numeric(x, Loss), "dx");
        GradientCheck.AssertMatches(dw, GradientCheck.Numeric(w, Loss), "dw");
    }

    [Fact]
    public void Frozen_weight_gives_the_same_dx_and_no_weight_gradient()
    {
        var x = GradientCheck.Random(Rows * Channels, 11);
        var w = GradientCheck.Random(Channels, 12);
        var dout = GradientCheck.Random(x.Length, 13);
        var rstd = new float[Rows];
        RmsNorm.Forward(new float[x.Length], rstd, x, w, Eps);
        float[] dxTrained = new float[x.Length], dxFrozen = new float[x.Length];
        RmsNorm.Backward(dxTrained, new float[Channels], dout, x, w, rstd);
        RmsNorm.Backward(dxFrozen, default, dout, x, w, rstd);
        Assert.Equal(dxTrained, dxFrozen);
    }
}
