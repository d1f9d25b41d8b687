using FineTune.Engine.Layers;
using FineTune.Models.Llama;

namespace FineTune.Models.Tests.Llama;

public sealed class PackedProjectionsSpecs
{
    /// <summary>
    /// A float32 sum of k products, in any order and with fused multiply-adds, is within k·2^-24 of
    /// the sum of the products' magnitudes of the exact sum (the standard bound for recursive
    /// summation); the reference sums in double, so this bounds the whole difference.
    /// </summary>
    private static double SummationBound(int k, double magnitudes) => k * Math.ScaleB(1, -24) * magnitudes + 1e-30;

    private static readonly LlamaConfig Config = new()
    {
        VocabSize = 96, HiddenSize = 64, IntermediateSize = 88, NumLayers = 2, NumHeads = 4, NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 64,
    };

    private static float[] Uniform(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    public static TheoryData<int, string, int> Products => new()
    {
        { 0, "q_proj", 1 }, { 1, "down_proj", 16 }, { 0, "gate_proj", 9 }, { DecoderSteps.HeadLayer, "lm_head", 3 }, { 1, "o_proj", 92 },
    };

    [Theory]
    [MemberData(nameof(Products))]
    public void Each_product_matches_the_double_precision_reference_within_the_summation_bound(int layer, string module, int rows)
    {
        var model = LlamaModel.CreateRandom(Config, seed: 1);
        var (weight, inChannels, outChannels) = Weight(model, layer, module);
        var x = Uniform(rows * inChannels, rows);
        var actual = new float[rows * outChannels];
        var expected = new float[rows * outChannels];
        new PackedProjections(model).Forward(layer, module, actual, x, weight, default, inChannels, outChannels);
        Linear.ReferenceForward(expected, x, weight, default, inChannels, outChannels);
        for (var r = 0; r < rows; r++)
        for (var o = 0; o < outChannels; o++)
        {
            double magnitudes = 0;
            for (var i = 0; i < inChannels; i++) magnitudes += Math.Abs((double)x[r * inChannels + i] * weight[o * inChannels + i]);
            var index = r * outChannels + o;
            Assert.True(Math.Abs(actual[index] - expected[index]) <= SummationBound(inChannels, magnitudes),
                $"{module} of layer {layer}, row {r}, output {o}: {actual[index]} vs {expected[index]}");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(92)]
    public void A_row_gets_the_same_bits_alone_as_among_other_rows(int rows)
    {
        // what makes a reply independent of what it was batched with, and prefill agree with decode
        var model = LlamaModel.CreateRandom(Config, seed: 2);
        var projections = new PackedProjections(model);
        var (weight, inChannels, outChannels) = Weight(model, 1, "up_proj");
        var x = Uniform(rows * inChannels, 40 + rows);
        var together = new float[rows * outChannels];
        projections.Forward(1, "up_proj", together, x, weight, default, inChannels, outChannels);
        var alone = new float[outChannels];
        for (var r = 0; r < rows; r++)
        {
            projections.Forward(1, "up_proj", alone, x.AsSpan(r * inChannels, inChannels), weight, default, inChannels, outChannels);
            Assert.True(alone.AsSpan().SequenceEqual(together.AsSpan(r * outChannels, outChannels)), $"row {r} of {rows} differs from the same row alone");
        }
    }

    [Fact]
    public void A_bias_is_added_to_every_row()
    {
        var model = LlamaModel.CreateRandom(Config, seed: 3);
        var (weight, inChannels, outChannels) = Weight(model, 0, "k_proj");
        var x = Uniform(4 * inChannels, 5);
        var bias = Uniform(outChannels, 6);
        var projections = new PackedProjections(model);
        var withBias = new float[4 * outChannels];
        var without = new float[4 * outChannels];
        projections.Forward(0, "k_proj", withBias, x, weight, bias, inChannels, outChannels);
        projections.Forward(0, "k_proj", without, x, weight, default, inChannels, outChannels);
        for (var i = 0; i < withBias.Length; i++)
            Assert.Equal(without[i] + bias[i % outChannels], withBias[i], Math.Abs(bias[i % outChannels]) * 1e-6 + 1e-6);
    }

    [Fact]
    public void Backward_is_refused_since_the_packed_copies_serve_inference_only()
    {
        var model = LlamaModel.CreateRandom(Config, seed: 4);
        var error = Assert.Throws<NotSupportedException>(() =>
            new PackedProjections(model).Backward(0, "q_proj", default, default, default, default, default, default, 64, 64));
        Assert.Contains("inference only", error.Message);
    }

    private static (float[] Weight, int In, int Out) Weight(LlamaModel model, int layer, string module)
    {
        var served = ServedProjection.Of(model).Single(p => p.Layer == layer && p.Module == module);
        return (model[served.Weight].ToArray(), served.InChannels, served.OutChannels);
    }
}
