using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class CrossEntropyTests
{
    /// <summary>Float softmax (double sums) against double throughout.</summary>
    const double VectorVsReference = 2e-6;
    /// <summary>The mean loss (≈ 10 here) is returned as a float: a few ulps of 10.</summary>
    const double LossVsReference = 1e-5;

    const int Vocab = 2_500 + 3; // more than one exp strip, not a multiple of the vector width
    const int Rows = 9;

    static int[] Targets(int rows, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows).Select(i => i % 4 == 3 ? CrossEntropy.IgnoreIndex : random.Next(Vocab))];
    }

    [Fact]
    public void Uniform_logits_cost_log_vocab()
    {
        var logits = new float[2 * 8];
        var result = CrossEntropy.Forward(new float[2], logits, [3, 5]);
        Assert.Equal(Math.Log(8), result.Loss, 1e-6);
        Assert.Equal(2, result.Count);
    }

    [Fact]
    public void Forward_matches_the_reference_and_skips_ignored_rows()
    {
        var logits = GradientCheck.Random(Rows * Vocab, 1, scale: 8);
        var targets = Targets(Rows, 2);
        var result = CrossEntropy.Forward(new float[Rows], logits, targets);
        Assert.Equal(CrossEntropy.ReferenceForward(logits, targets), result.Loss, LossVsReference);
        Assert.Equal(targets.Count(t => t != CrossEntropy.IgnoreIndex), result.Count);

        // Changing an ignored row's logits changes nothing.
        logits.AsSpan(3 * Vocab, Vocab).Fill(100);
        Assert.Equal(result, CrossEntropy.Forward(new float[Rows], logits, targets));
    }

    [Fact]
    public void Backward_matches_the_reference_with_zero_rows_for_ignored_targets()
    {
        var logits = GradientCheck.Random(Rows * Vocab, 3, scale: 8);
        var targets = Targets(Rows, 4);
        var lse = new float[Rows];
        CrossEntropy.Forward(lse, logits, targets);
        float[] expected = new float[logits.Length], actual = GradientCheck.Random(logits.Length, 5);
        CrossEntropy.ReferenceBackward(expected, logits, targets, dloss: 0.5f);
        CrossEntropy.Backward(actual, logits, lse, targets, dloss: 0.5f);
        GradientCheck.AssertClose(expected, actual, VectorVsReference, "dlogits");
        Assert.All(actual.AsSpan(3 * Vocab, Vocab).ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Backward_in_place_over_the_logits_gives_the_same_gradient()
    {
        var logits = GradientCheck.Random(Rows * Vocab, 6, scale: 8);
        var targets = Targets(Rows, 7);
        var lse = new float[Rows];
        CrossEntropy.Forward(lse, logits, targets);
        var separate = new float[logits.Length];
        CrossEntropy.Backward(separate, logits, lse, targets);
        CrossEntropy.Backward(logits, logits, lse, targets);
        Assert.Equal(separate, logits);
    }

    [Fact]
    public void Backward_matches_finite_differences_of_the_double_reference()
    {
        const int rows = 4, vocab = 6;
        var logits = GradientCheck.Random(rows * vocab, 8, scale: 3);
        int[] targets = [2, CrossEntropy.IgnoreIndex, 0, 5];
        var lse = new float[rows];
        CrossEntropy.Forward(lse, logits, targets);
        var dlogits = new float[logits.Length];
        CrossEntropy.Backward(dlogits, logits, lse, targets);
        GradientCheck.AssertMatches(dlogits, GradientCheck.Numeric(logits, () => CrossEntropy.ReferenceForward(logits, targets)), "dlogits");
    }

    [Fact]
    public void All_ignored_batch_has_zero_loss_and_zero_gradient()
    {
        var logits = GradientCheck.Random(2 * 5, 9);
        int[] targets = [CrossEntropy.IgnoreIndex, CrossEntropy.IgnoreIndex];
        var lse = new float[2];
        Assert.Equal(new CrossEntropyResult(0f, 0), CrossEntropy.Forward(lse, logits, targets));
        var dlogits = GradientCheck.Random(logits.Length, 10);
        CrossEntropy.Backward(dlogits, logits, lse, targets);
        Assert.All(dlogits, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Huge_logits_stay_finite()
    {
        float[] logits = [3e4f, -3e4f, 2.99e4f, 0f];
        var lse = new float[1];
        var result = CrossEntropy.Forward(lse, logits, [2]);
        Assert.Equal(100.0, result.Loss, 1e-2); // 3e4 − 2.99e4 + log(1 + e^−100 + e^−3e4)
        var dlogits = new float[4];
        CrossEntropy.Backward(dlogits, logits, lse, [2]);
        Assert.All(dlogits, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(1f, dlogits[0], 1e-3f);
        Assert.Equal(-1f, dlogits[2], 1e-3f);
    }

    [Fact]
    public void Rejects_a_target_outside_the_vocabulary()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.Forward(new float[2], new float[2 * 4], [1, 4]));
        Assert.Contains("Target 4 at row 1", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            CrossEntropy.Backward(new float[4], new float[4], new float[1], [-1]));
    }
}
