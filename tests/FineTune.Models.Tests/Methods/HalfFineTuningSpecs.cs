using FineTune.Models.Llama;
using FineTune.Models.Methods;
using FineTune.Models.Tests.Llama;

namespace FineTune.Models.Tests.Methods;

public sealed class HalfFineTuningSpecs
{
    private static readonly ParameterLayout Layout = new(InferenceSessionSpecs.TinyConfig with { NumLayers = 8, QkvBias = true });

    [Fact]
    public void Every_layer_trains_half_of_each_category()
    {
        var trainable = HalfFineTuning.TrainableIn(Layout, seed: 1, round: 0);

        foreach (var layer in Layout.Layers)
        {
            Assert.Equal(2, new[] { layer.Q, layer.K, layer.V, layer.O }.Count(t => trainable.Contains(t.Name)));
            Assert.InRange(new[] { layer.Gate, layer.Up, layer.Down }.Count(t => trainable.Contains(t.Name)), 1, 2);
            Assert.Equal(1, new[] { layer.InputNorm, layer.PostAttentionNorm }.Count(t => trainable.Contains(t.Name)));
            Assert.Equal(trainable.Contains(layer.Q.Name), trainable.Contains(layer.QBias!.Name));
        }
        // embedding, final norm and the untied head: one or two of three
        Assert.InRange(new[] { Layout.Embedding, Layout.FinalNorm, Layout.LmHead }.Count(t => trainable.Contains(t.Name)), 1, 2);
    }

    [Fact]
    public void A_round_is_the_same_for_the_same_seed_and_redrawn_for_the_next_round()
    {
        var first = HalfFineTuning.TrainableIn(Layout, seed: 1, round: 0);

        Assert.True(first.SetEquals(HalfFineTuning.TrainableIn(Layout, seed: 1, round: 0)));
        Assert.False(first.SetEquals(HalfFineTuning.TrainableIn(Layout, seed: 1, round: 1)));
        Assert.False(first.SetEquals(HalfFineTuning.TrainableIn(Layout, seed: 2, round: 0)));
    }

    [Fact]
    public void Over_many_rounds_every_matrix_trains_about_half_the_time()
    {
        var counts = Layout.All.ToDictionary(t => t.Name, _ => 0);
        const int rounds = 400;
        for (var round = 0; round < rounds; round++)
            foreach (var name in HalfFineTuning.TrainableIn(Layout, seed: 3, round)) counts[name]++;

        // 400 fair draws: a share outside 0.38–0.62 would take a bias, not bad luck (> 4.8 sigma)
        Assert.All(counts, c => Assert.InRange(c.Value / (double)rounds, 0.38, 0.62));
    }
}
