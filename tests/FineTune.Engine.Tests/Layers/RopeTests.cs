using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class RopeTests
{
    /// <summary>Float rotation against the same rotation in double: a couple of roundings of O(1) values.</summary>
    const double VectorVsReference = 1e-6;

    const int Heads = 3, HeadDim = 16;
    static readonly RopeTable Table = new(HeadDim, maxPositions: 64, theta: 10000);

    [Fact]
    public void Table_holds_the_llama_angles()
    {
        // angle(p, i) = p / 10000^(2i/D), in double; the table rounds inv_freq and the angle to float
        // as Hugging Face does, which moves the angle by at most ~p·2⁻²⁴ rad.
        for (var p = 0; p < Table.MaxPositions; p++)
        for (var i = 0; i < HeadDim / 2; i++)
        {
            var angle = p / Math.Pow(10000, 2.0 * i / HeadDim);
            var allowed = 1e-7 + p * 1.2e-7;
            Assert.True(Math.Abs(Math.Cos(angle) - Table.Cos(p)[i]) <= allowed, $"cos at p={p}, i={i}");
            Assert.True(Math.Abs(Math.Sin(angle) - Table.Sin(p)[i]) <= allowed, $"sin at p={p}, i={i}");
        }
    }

    [Fact]
    public void Pairs_element_i_with_element_i_plus_half()
    {
        // x = e_0 in one head: after rotating by angle a, element 0 holds cos a and element D/2 holds sin a.
        var x = new float[HeadDim];
        x[0] = 1;
        Rope.Forward(x, [5], heads: 1, Table);
        Assert.Equal(MathF.Cos(5f), x[0], 1e-6f);
        Assert.Equal(MathF.Sin(5f), x[HeadDim / 2], 1e-6f);
        Assert.All(x.Where((_, i) => i != 0 && i != HeadDim / 2), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Vectorised_rotation_matches_the_reference()
    {
        int[] positions = [0, 1, 7, 63, 2];
        var expected = GradientCheck.Random(positions.Length * Heads * HeadDim, 1);
        var actual = (float[])expected.Clone();
        Rope.Reference(expected, positions, Heads, Table);
        Rope.Forward(actual, positions, Heads, Table);
        GradientCheck.AssertClose(expected, actual, VectorVsReference, "x");
    }

    [Fact]
    public void Scores_depend_only_on_the_distance_between_positions()
    {
        var q = GradientCheck.Random(HeadDim, 2);
        var k = GradientCheck.Random(HeadDim, 3);
        double Score(int qPosition, int kPosition)
        {
            float[] rq = [.. q], rk = [.. k];
            Rope.Forward(rq, [qPosition], 1, Table);
            Rope.Forward(rk, [kPosition], 1, Table);
            return rq.Zip(rk, (a, b) => (double)a * b).Sum();
        }
        Assert.Equal(Score(10, 7), Score(40, 37), 1e-5);
        Assert.NotEqual(Score(10, 7), Score(10, 8), 3);
    }

    [Fact]
    public void Decode_token_rotates_as_it_would_inside_the_sequence()
    {
        const int n = 9;
        var sequence = GradientCheck.Random(n * Heads * HeadDim, 4);
        var last = sequence.AsSpan((n - 1) * Heads * HeadDim).ToArray();
        Rope.Forward(sequence, [.. Enumerable.Range(0, n)], Heads, Table);
        Rope.Forward(last, [n - 1], Heads, Table);
        Assert.Equal(sequence.AsSpan((n - 1) * Heads * HeadDim).ToArray(), last);
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        int[] positions = [3, 0, 17];
        var x = GradientCheck.Random(positions.Length * Heads * HeadDim, 5);
        var r = GradientCheck.Random(x.Length, 6);
        var rotated = new float[x.Length];
        double Loss()
        {
            x.CopyTo(rotated, 0);
            Rope.Forward(rotated, positions, Heads, Table);
            return GradientCheck.Project(rotated, r);
        }
        var dx = (float[])r.Clone();
        Rope.Backward(dx, positions, Heads, Table);
        GradientCheck.AssertMatches(dx, GradientCheck.Numeric(x, Loss), "dx");
    }

    [Fact]
    public void Rejects_positions_outside_the_table()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rope.Forward(new float[2 * HeadDim], [1, 64], 1, Table));
        Assert.Contains("Token 1 has position 64", error.Message);
    }
}
