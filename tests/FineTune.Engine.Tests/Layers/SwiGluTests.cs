using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class SwiGluTests
{
    /// <summary>Vectorised float sigmoid and products against double: a few roundings.</summary>
    const double VectorVsReference = 2e-6;

    // Longer than one parallel chunk and one strip, and not a multiple of either.
    const int Length = 40_000 + 7;

    [Fact]
    public void Forward_matches_the_reference()
    {
        var gate = GradientCheck.Random(Length, 1, scale: 6);
        var up = GradientCheck.Random(Length, 2, scale: 3);
        float[] expected = new float[Length], actual = new float[Length];
        SwiGlu.ReferenceForward(expected, gate, up);
        SwiGlu.Forward(actual, gate, up);
        GradientCheck.AssertClose(expected, actual, VectorVsReference, "h");
    }

    [Fact]
    public void Silu_of_known_values()
    {
        float[] output = new float[3];
        SwiGlu.Forward(output, [0f, 1f, -2f], [5f, 1f, 1f]);
        Assert.Equal(0f, output[0]);
        Assert.Equal(1 / (1 + Math.Exp(-1)), output[1], 1e-6);
        Assert.Equal(-2 / (1 + Math.Exp(2)), output[2], 1e-6);
    }

    [Fact]
    public void Backward_matches_the_reference_and_accumulates()
    {
        var gate = GradientCheck.Random(Length, 3, scale: 6);
        var up = GradientCheck.Random(Length, 4, scale: 3);
        var dout = GradientCheck.Random(Length, 5);
        var dgateExpected = GradientCheck.Random(Length, 6);
        var dupExpected = GradientCheck.Random(Length, 7);
        float[] dgate = [.. dgateExpected], dup = [.. dupExpected];
        SwiGlu.ReferenceBackward(dgateExpected, dupExpected, dout, gate, up);
        SwiGlu.Backward(dgate, dup, dout, gate, up);
        GradientCheck.AssertClose(dgateExpected, dgate, VectorVsReference, "dgate");
        GradientCheck.AssertClose(dupExpected, dup, VectorVsReference, "dup");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        const int n = 50;
        var gate = GradientCheck.Random(n, 8, scale: 5);
        var up = GradientCheck.Random(n, 9, scale: 2);
        var r = GradientCheck.Random(n, 10);
        var output = new float[n];
        double Loss()
        {
            SwiGlu.Forward(output, gate, up);
            return GradientCheck.Project(output, r);
        }
        float[] dgate = new float[n], dup = new float[n];
        SwiGlu.Backward(dgate, dup, r, gate, up);
        GradientCheck.AssertMatches(dgate, GradientCheck.Numeric(gate, Loss), "dgate");
        GradientCheck.AssertMatches(dup, GradientCheck.Numeric(up, Loss), "dup");
    }
}
