using FineTune.Engine.Layers;
using FineTune.Models.FineTuning;

namespace FineTune.Models.Tests.FineTuning;

public sealed class ClassificationHeadSpecs
{
    /// <summary>Central differences in float over a loss of order 1: agreement to 2e-3 absolute.</summary>
    private const float FiniteDifferenceTolerance = 2e-3f;
    private const float Step = 1e-2f;

    private const int Batch = 3, Length = 4, Hidden = 5;
    private static readonly string[] Classes = ["neg", "neu", "pos"];
    private static readonly int[] LastPositions = [3, 1, -1]; // the third row is an empty (padding) row
    private static readonly int[] Labels = [2, 0, CrossEntropy.IgnoreIndex];
    private static readonly float[] Weights = [0.5f, 1.5f, 2f];
    private const float Gamma = 2f;

    [Fact]
    public void Backward_matches_finite_differences_for_the_features_and_the_weights()
    {
        var random = new Random(4);
        var features = Enumerable.Range(0, Batch * Length * Hidden).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var head = new ClassificationHead(Classes, Hidden, Batch, seed: 3);
        for (var i = 0; i < head.Values.Length; i++) head.Values[i] *= 40; // logits of order 1, not 0.02

        head.Forward(features, LastPositions, Labels, Weights, Gamma);
        var dFeatures = new float[features.Length];
        head.Backward(dFeatures, LastPositions, Weights, Gamma, lossScale: 1f);

        for (var i = 0; i < features.Length; i++)
            Assert.Equal(Numeric(features, i, () => head.Forward(features, LastPositions, Labels, Weights, Gamma)), dFeatures[i], FiniteDifferenceTolerance);
        var weightGradients = (float[])head.Gradients.Clone();
        for (var i = 0; i < head.Values.Length; i++)
            Assert.Equal(Numeric(head.Values, i, () => head.Forward(features, LastPositions, Labels, Weights, Gamma)), weightGradients[i], FiniteDifferenceTolerance);
        // only each sequence's last real token gets a gradient
        for (var t = 0; t < Batch * Length; t++)
            if (t != 3 && t != Length + 1)
                Assert.All(dFeatures.AsSpan(t * Hidden, Hidden).ToArray(), d => Assert.Equal(0f, d));
    }

    private static float Numeric(float[] values, int at, Func<float> loss)
    {
        var kept = values[at];
        values[at] = kept + Step;
        var up = loss();
        values[at] = kept - Step;
        var down = loss();
        values[at] = kept;
        return (up - down) / (2 * Step);
    }
}
