using System.Text.Json;
using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class FocalLossSpecs
{
    /// <summary>The loss (≈ 1) comes back as a float computed in double: a couple of float ulps.</summary>
    const double LossVsTorch = 1e-6;
    /// <summary>The gradient is built from float32 probabilities: float rounding of values ≤ 0.2.</summary>
    const double GradientVsTorch = 1e-6;
    /// <summary>Focal / CE of one row is a ratio of two float losses: each within a few ulps.</summary>
    const double RatioRelative = 1e-5;

    const int Classes = 3;
    static readonly float[] Weights = [0.5f, 2f, 3.25f];

    /// <summary>scripts/torch/focal_loss_fixture.py's output, shared by the PyTorch parity cases.</summary>
    sealed record TorchCase(float Gamma, double Loss, float[] Gradient);

    static readonly Lazy<(float[] Logits, int[] Labels, float[] Weights, TorchCase[] Cases)> Fixture = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "focal_loss.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal(Classes, root.GetProperty("classes").GetInt32());
        Assert.Equal(CrossEntropy.IgnoreIndex, root.GetProperty("ignore_index").GetInt32());
        static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(x => (float)x.GetDouble())];
        return (Floats(root.GetProperty("logits")),
            [.. root.GetProperty("labels").EnumerateArray().Select(x => x.GetInt32())],
            Floats(root.GetProperty("weights")),
            [.. root.GetProperty("cases").EnumerateArray().Select(c => new TorchCase(
                (float)c.GetProperty("gamma").GetDouble(), c.GetProperty("loss").GetDouble(), Floats(c.GetProperty("grad"))))]);
    });

    [Theory]
    [InlineData(0f)]   // torch.nn.functional.cross_entropy(weight=w)
    [InlineData(0.5f)] // the focal formula in float64, autograd gradient
    [InlineData(2f)]
    public void Loss_and_gradient_match_the_pytorch_golden_values(float gamma)
    {
        var (logits, labels, weights, cases) = Fixture.Value;
        var expected = Assert.Single(cases, c => c.Gamma == gamma);
        Assert.Contains(CrossEntropy.IgnoreIndex, labels);

        var probabilities = new float[logits.Length];
        var loss = FocalLoss.Forward(probabilities, logits, labels, Classes, weights, gamma);
        Assert.Equal(expected.Loss, loss, expected.Loss * LossVsTorch);

        var dLogits = new float[logits.Length];
        FocalLoss.Backward(dLogits, probabilities, labels, Classes, weights, gamma);
        GradientCheck.AssertClose(expected.Gradient, dLogits, GradientVsTorch, "dLogits");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(2f)]
    public void Backward_matches_finite_differences_and_zeroes_ignored_rows(float gamma)
    {
        const int rows = 6;
        const float lossScale = 3f;
        var logits = GradientCheck.Random(rows * Classes, 11, scale: 3);
        int[] labels = [2, 0, CrossEntropy.IgnoreIndex, 1, 1, 0];
        var probabilities = new float[logits.Length];
        FocalLoss.Forward(probabilities, logits, labels, Classes, Weights, gamma);

        var dLogits = GradientCheck.Random(logits.Length, 12); // Backward must overwrite, not add
        FocalLoss.Backward(dLogits, probabilities, labels, Classes, Weights, gamma, lossScale);

        var numeric = GradientCheck.Numeric(logits,
            () => lossScale * (double)FocalLoss.Forward(new float[logits.Length], logits, labels, Classes, Weights, gamma));
        GradientCheck.AssertMatches(dLogits, numeric, "dLogits");
        Assert.All(dLogits.AsSpan(2 * Classes, Classes).ToArray(), g => Assert.Equal(0f, g));
    }

    [Theory]
    [InlineData(0.5f)] // (1 − p)^(γ − 1) alone is infinite at p = 1
    [InlineData(2f)]
    public void Gradient_stays_finite_and_correct_as_the_true_class_nears_certainty(float gamma)
    {
        // Row 0: 1 − p ≈ 1e-5; row 1: p rounds to exactly 1 in float32; row 2: p underflows to 0.
        float[] logits = [12f, 0.5f, 0f, 200f, 0f, 0f, 0f, 200f, 0f];
        int[] labels = [0, 0, 0];
        var probabilities = new float[logits.Length];
        var loss = FocalLoss.Forward(probabilities, logits, labels, Classes, Weights, gamma);
        Assert.Equal(1f, probabilities[3]);
        Assert.Equal(0f, probabilities[6]);
        Assert.True(float.IsFinite(loss));

        var dLogits = new float[logits.Length];
        FocalLoss.Backward(dLogits, probabilities, labels, Classes, Weights, gamma);
        Assert.All(dLogits, g => Assert.True(float.IsFinite(g), $"gradient {g}"));
        Assert.All(dLogits.AsSpan(3, Classes).ToArray(), g => Assert.Equal(0f, g)); // a certain row has no gradient for γ > 0

        // Near certainty alone, where the stable form of the factor does all the work.
        var nearlyCertain = logits[..Classes];
        var dRow = new float[Classes];
        FocalLoss.Forward(probabilities.AsSpan(0, Classes), nearlyCertain, [0], Classes, Weights, gamma);
        FocalLoss.Backward(dRow, probabilities.AsSpan(0, Classes), [0], Classes, Weights, gamma);
        GradientCheck.AssertMatches(dRow,
            GradientCheck.Numeric(nearlyCertain, () => FocalLoss.Forward(new float[Classes], nearlyCertain, [0], Classes, Weights, gamma)),
            "dLogits near p = 1");
    }

    [Fact]
    public void Focusing_shrinks_easy_rows_by_one_minus_p_to_the_gamma_and_leaves_hard_rows_near_cross_entropy()
    {
        const float gamma = 2f;
        float[] logits = [6f, 0f, 0f];
        // softmax of (6, 0, 0): p = e⁶ / (e⁶ + 2) for class 0, 1 / (e⁶ + 2) for the others.
        var easyMiss = 2 / (Math.Exp(6) + 2);      // 1 − p when the label is class 0 (confidently right)
        var hardMiss = 1 - 1 / (Math.Exp(6) + 2);  // 1 − p when the label is class 1 (confidently wrong)

        double Ratio(int label) =>
            (double)FocalLoss.Forward(new float[Classes], logits, [label], Classes, [], gamma)
            / FocalLoss.Forward(new float[Classes], logits, [label], Classes, [], 0f);

        var easy = Math.Pow(easyMiss, gamma);
        var hard = Math.Pow(hardMiss, gamma);
        Assert.Equal(easy, Ratio(0), easy * RatioRelative);
        Assert.Equal(hard, Ratio(1), hard * RatioRelative);
        Assert.True(easy < 1e-3 && hard > 0.99, $"easy ratio {easy}, hard ratio {hard}");
    }

    [Fact]
    public void Empty_weights_mean_all_ones_and_an_all_ignored_batch_costs_nothing()
    {
        var logits = GradientCheck.Random(3 * Classes, 13, scale: 2);
        int[] labels = [1, 2, 0];
        Assert.Equal(FocalLoss.Forward(new float[logits.Length], logits, labels, Classes, [1f, 1f, 1f], 2f),
            FocalLoss.Forward(new float[logits.Length], logits, labels, Classes, [], 2f));

        int[] ignored = [CrossEntropy.IgnoreIndex, CrossEntropy.IgnoreIndex, CrossEntropy.IgnoreIndex];
        var probabilities = new float[logits.Length];
        Assert.Equal(0f, FocalLoss.Forward(probabilities, logits, ignored, Classes, Weights, 2f));
        var dLogits = GradientCheck.Random(logits.Length, 14);
        FocalLoss.Backward(dLogits, probabilities, ignored, Classes, Weights, 2f);
        Assert.All(dLogits, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Balanced_weights_are_inversely_proportional_to_the_counts()
    {
        int[] counts = [70, 20, 10];
        var labels = counts.SelectMany((count, k) => Enumerable.Repeat(k, count))
            .Append(CrossEntropy.IgnoreIndex).ToArray(); // not an example of any class
        var n = counts.Sum();

        var weights = FocalLoss.BalancedWeights(labels, Classes);

        Assert.Equal(Classes, weights.Length);
        for (var k = 0; k < Classes; k++)
            Assert.Equal((double)n / Classes, counts[k] * (double)weights[k], 1e-4); // every class carries n / K
        Assert.Equal(n, counts.Select((count, k) => count * (double)weights[k]).Sum(), 1e-4);
    }

    [Fact]
    public void Balanced_weights_reject_a_class_without_examples()
    {
        var error = Assert.Throws<ArgumentException>(() => FocalLoss.BalancedWeights([0, 2, 0], Classes));
        Assert.Contains("Class 1", error.Message);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_culprit_named()
    {
        var logits = new float[3 * Classes];
        var probabilities = new float[logits.Length];

        var label = Assert.Throws<ArgumentOutOfRangeException>(() =>
            FocalLoss.Forward(probabilities, logits, [0, 3, 1], Classes, [], 0f));
        Assert.Contains("row 1", label.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            FocalLoss.Backward(new float[logits.Length], probabilities, [0, 1, -1], Classes, [], 0f));

        var weights = Assert.Throws<ArgumentException>(() =>
            FocalLoss.Forward(probabilities, logits, [0, 1, 2], Classes, [1f, 1f], 0f));
        Assert.Equal("classWeights", weights.ParamName);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() =>
            FocalLoss.Forward(probabilities, logits, [0, 1, 2], Classes, [1f, -1f, 1f], 0f));
        Assert.Contains("class 1", negative.Message);

        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() =>
            FocalLoss.Forward(probabilities, logits, [0, 1, 2], Classes, [], -0.5f)).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() =>
            FocalLoss.Forward(new float[2 * Classes], logits, [0, 1, 2], Classes, [], 0f)).ParamName);
        Assert.Equal("dLogits", Assert.Throws<ArgumentException>(() =>
            FocalLoss.Backward(new float[Classes], probabilities, [0, 1, 2], Classes, [], 0f)).ParamName);
    }
}
