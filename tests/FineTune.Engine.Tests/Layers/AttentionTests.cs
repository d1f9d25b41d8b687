using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class AttentionTests
{
    /// <summary>
    /// Tiled float32 against the double reference: online softmax reorders the sums, so the two
    /// agree to a few float roundings of the O(1) outputs (4e-7 observed).
    /// </summary>
    const double TiledVsReference = 5e-6;

    // Small blocks, so tensors of a few dozen positions already cross block edges, partial blocks included.
    const int SmallQueryTile = 16, SmallKeyTile = 8;

    sealed record Inputs(float[] Q, float[] K, float[] V);

    static Inputs Make(AttentionShape s, int seed, float scale = 1f) => new(
        GradientCheck.Random(s.QueryElements, seed, scale),
        GradientCheck.Random(s.KvElements, seed + 1, scale),
        GradientCheck.Random(s.KvElements, seed + 2));

    public static TheoryData<AttentionShape, int, int> Shapes => new()
    {
        // training: one block / several blocks with ragged ends / the production blocks
        { AttentionShape.Training(2, 5, 4, 2, 16), SmallQueryTile, SmallKeyTile },
        { AttentionShape.Training(1, 37, 6, 2, 16), SmallQueryTile, SmallKeyTile },
        { AttentionShape.Training(1, 150, 3, 1, 64), Attention.QueryTile, Attention.KeyTile },
        // the last block holds a single query, which takes the dot-product path
        { AttentionShape.Training(1, 17, 2, 1, 16), SmallQueryTile, SmallKeyTile },
        // head size not a whole number of vector strips
        { AttentionShape.Training(1, 21, 2, 2, 12), SmallQueryTile, SmallKeyTile },
        // a chunk of 7 new queries against a cache of 30 of 40 positions
        { new AttentionShape(2, 7, 30, 4, 2, 16, queryOffset: 23, kvCapacity: 40), SmallQueryTile, SmallKeyTile },
        // one decode step
        { AttentionShape.Decode(2, 19, 4, 1, 16, kvCapacity: 32), SmallQueryTile, SmallKeyTile },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Tiled_forward_matches_the_full_score_matrix(AttentionShape s, int queryTile, int keyTile)
    {
        var x = Make(s, 1, scale: 2f); // scores up to ~±8: the online max really moves
        float[] expected = new float[s.QueryElements], expectedLse = new float[s.LogSumExpElements];
        Attention.ReferenceForward(expected, expectedLse, x.Q, x.K, x.V, s);
        float[] actual = new float[s.QueryElements], actualLse = new float[s.LogSumExpElements];
        Attention.Forward(actual, actualLse, x.Q, x.K, x.V, s, queryTile, keyTile);
        GradientCheck.AssertClose(expected, actual, TiledVsReference, "output");
        GradientCheck.AssertClose(expectedLse, actualLse, TiledVsReference, "logSumExp");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Tiled_backward_matches_the_reference(AttentionShape s, int queryTile, int keyTile)
    {
        var x = Make(s, 2, scale: 2f);
        var dout = GradientCheck.Random(s.QueryElements, 9);
        var output = new float[s.QueryElements];
        var lse = new float[s.LogSumExpElements];
        Attention.Forward(output, lse, x.Q, x.K, x.V, s, queryTile, keyTile);

        float[] dqRef = new float[s.QueryElements], dkRef = new float[s.KvElements], dvRef = new float[s.KvElements];
        Attention.ReferenceBackward(dqRef, dkRef, dvRef, dout, x.Q, x.K, x.V, s);
        float[] dq = new float[s.QueryElements], dk = new float[s.KvElements], dv = new float[s.KvElements];
        Attention.Backward(dq, dk, dv, dout, x.Q, x.K, x.V, output, lse, s, queryTile, keyTile);

        GradientCheck.AssertClose(dqRef, dq, TiledVsReference, "dq");
        GradientCheck.AssertClose(dkRef, dk, TiledVsReference, "dk");
        GradientCheck.AssertClose(dvRef, dv, TiledVsReference, "dv");
    }

    [Theory]
    [InlineData(2, 7, 4, 2, 4, 0)]  // training, two batch rows, grouped heads, crossing blocks
    [InlineData(1, 5, 2, 1, 8, 3)]  // a chunk of 5 queries after 3 cached positions
    public void Backward_matches_finite_differences(int batch, int tq, int heads, int kvHeads, int d, int offset)
    {
        var s = new AttentionShape(batch, tq, offset + tq, heads, kvHeads, d, offset, offset + tq + 2);
        var x = Make(s, 3);
        var r = GradientCheck.Random(s.QueryElements, 4);
        var output = new float[s.QueryElements];
        var lse = new float[s.LogSumExpElements];
        double Loss()
        {
            Attention.Forward(output, default, x.Q, x.K, x.V, s, SmallQueryTile, 4);
            return GradientCheck.Project(output, r);
        }

        Attention.Forward(output, lse, x.Q, x.K, x.V, s, SmallQueryTile, 4);
        float[] dq = new float[s.QueryElements], dk = new float[s.KvElements], dv = new float[s.KvElements];
        Attention.Backward(dq, dk, dv, r, x.Q, x.K, x.V, output, lse, s, SmallQueryTile, 4);

        GradientCheck.AssertMatches(dq, GradientCheck.Numeric(x.Q, Loss), "dq");
        GradientCheck.AssertMatches(dk, GradientCheck.Numeric(x.K, Loss), "dk");
        GradientCheck.AssertMatches(dv, GradientCheck.Numeric(x.V, Loss), "dv");
    }

    [Fact]
    public void Reference_backward_matches_finite_differences()
    {
        var s = AttentionShape.Training(1, 6, 2, 1, 4);
        var x = Make(s, 5);
        var r = GradientCheck.Random(s.QueryElements, 6);
        var output = new float[s.QueryElements];
        double Loss()
        {
            Attention.ReferenceForward(output, default, x.Q, x.K, x.V, s);
            return GradientCheck.Project(output, r);
        }
        float[] dq = new float[s.QueryElements], dk = new float[s.KvElements], dv = new float[s.KvElements];
        Attention.ReferenceBackward(dq, dk, dv, r, x.Q, x.K, x.V, s);
        GradientCheck.AssertMatches(dq, GradientCheck.Numeric(x.Q, Loss), "dq");
        GradientCheck.AssertMatches(dk, GradientCheck.Numeric(x.K, Loss), "dk");
        GradientCheck.AssertMatches(dv, GradientCheck.Numeric(x.V, Loss), "dv");
    }

    [Fact]
    public void Backward_adds_to_existing_gradients()
    {
        var s = AttentionShape.Training(1, 10, 2, 1, 8);
        var x = Make(s, 7);
        var dout = GradientCheck.Random(s.QueryElements, 8);
        var output = new float[s.QueryElements];
        var lse = new float[s.LogSumExpElements];
        Attention.Forward(output, lse, x.Q, x.K, x.V, s);
        float[] dq = new float[s.QueryElements], dk = new float[s.KvElements], dv = new float[s.KvElements];
        Attention.Backward(dq, dk, dv, dout, x.Q, x.K, x.V, output, lse, s);
        float[] dq2 = [.. dq], dk2 = [.. dk], dv2 = [.. dv];
        Attention.Backward(dq2, dk2, dv2, dout, x.Q, x.K, x.V, output, lse, s);
        GradientCheck.AssertClose([.. dq.Select(g => 2 * g)], dq2, 1e-6, "dq");
        GradientCheck.AssertClose([.. dk.Select(g => 2 * g)], dk2, 1e-6, "dk");
        GradientCheck.AssertClose([.. dv.Select(g => 2 * g)], dv2, 1e-6, "dv");
    }

    [Fact]
    public void Decode_step_equals_the_last_row_of_full_attention()
    {
        const int t = 13, heads = 4, kvHeads = 2, d = 16, capacity = 20;
        var full = AttentionShape.Training(1, t, heads, kvHeads, d);
        var x = Make(full, 11);
        var output = new float[full.QueryElements];
        Attention.Forward(output, default, x.Q, x.K, x.V, full);

        // The same keys and values in a cache with room for more positions (the rest is garbage).
        var decode = AttentionShape.Decode(1, t, heads, kvHeads, d, capacity);
        var kCache = GradientCheck.Random(decode.KvElements, 12);
        var vCache = GradientCheck.Random(decode.KvElements, 13);
        x.K.CopyTo(kCache, 0);
        x.V.CopyTo(vCache, 0);
        var lastQuery = x.Q.AsSpan((t - 1) * heads * d, heads * d).ToArray();
        var step = new float[decode.QueryElements];
        Attention.Forward(step, default, lastQuery, kCache, vCache, decode);

        GradientCheck.AssertClose(output.AsSpan((t - 1) * heads * d).ToArray(), step, 1e-6, "decode output");
    }

    [Fact]
    public void Grouped_heads_equal_full_heads_with_shared_keys_repeated()
    {
        const int t = 11, heads = 6, kvHeads = 2, d = 8, group = heads / kvHeads;
        var grouped = AttentionShape.Training(1, t, heads, kvHeads, d);
        var x = Make(grouped, 14);
        var output = new float[grouped.QueryElements];
        Attention.Forward(output, default, x.Q, x.K, x.V, grouped);

        // Multi-head attention whose head h carries kv head h / group.
        var full = AttentionShape.Training(1, t, heads, heads, d);
        float[] k = new float[full.KvElements], v = new float[full.KvElements];
        for (var p = 0; p < t; p++)
        for (var h = 0; h < heads; h++)
        {
            x.K.AsSpan((p * kvHeads + h / group) * d, d).CopyTo(k.AsSpan((p * heads + h) * d));
            x.V.AsSpan((p * kvHeads + h / group) * d, d).CopyTo(v.AsSpan((p * heads + h) * d));
        }
        var expected = new float[full.QueryElements];
        Attention.Forward(expected, default, x.Q, k, v, full);
        GradientCheck.AssertClose(expected, output, 1e-6, "output");
    }

    [Fact]
    public void First_query_returns_the_first_value_exactly_as_it_sees_only_itself()
    {
        var s = AttentionShape.Training(1, 4, 1, 1, 8);
        var x = Make(s, 15);
        var output = new float[s.QueryElements];
        Attention.Forward(output, default, x.Q, x.K, x.V, s);
        Assert.Equal(x.V.AsSpan(0, 8).ToArray(), output.AsSpan(0, 8).ToArray());
    }

    [Fact]
    public void Shape_rejects_inconsistent_sizes()
    {
        Assert.Throws<ArgumentException>(() => AttentionShape.Training(1, 8, 6, 4, 16)); // 6 heads, 4 kv heads
        Assert.Throws<ArgumentException>(() => new AttentionShape(1, 4, 3, 2, 1, 8, 0, 3)); // queries past the keys
        Assert.Throws<ArgumentException>(() => AttentionShape.Decode(1, 10, 2, 1, 8, kvCapacity: 9));
        var s = AttentionShape.Training(1, 4, 2, 1, 8);
        Assert.Throws<ArgumentException>(() =>
            Attention.Forward(new float[s.QueryElements], default, new float[s.QueryElements], new float[s.KvElements - 1],
                new float[s.KvElements], s));
    }
}
