using FineTune.Engine.Optim;
using FineTune.Models.Adapters;
using FineTune.Models.Llama;
using FineTune.Models.Tests.FineTuning;

namespace FineTune.Models.Tests.Adapters;

public sealed class QloraSpecs
{
    /// <summary>
    /// 4-bit weights move a tiny random model's loss by a few tenths of a percent (NF4's ~9% relative
    /// weight error averages out over many products); 3% would mean the wrong weights were used.
    /// </summary>
    private const double QuantizedLossRelativeTolerance = 0.03;

    private static readonly LlamaConfig Config = FineTuningData.Config;
    private static readonly LlamaModel Base = FineTuningData.NewModel();

    private static AdapterParameters Fresh() => new(LoraAdapter.Create(new LoraAdapterConfig
    {
        Rank = 4, Alpha = 8, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    }, Config, seed: 1), Config);

    [Fact]
    public void The_frozen_base_takes_at_most_0_55_bytes_per_parameter()
    {
        var quantized = new QuantizedBase(Base);

        Assert.Equal(Config.NumLayers * (4 * 64 * 64 - 2 * 32 * 64 + 3 * 128 * 64), quantized.FrozenParameters);
        Assert.True(quantized.BytesPerParameter <= 0.55, $"{quantized.BytesPerParameter:F4} bytes per parameter");
    }

    [Fact]
    public void A_fresh_adapter_on_the_4_bit_base_gives_nearly_the_base_loss_and_trains_only_the_adapter()
    {
        var random = new Random(2);
        var ids = Enumerable.Range(0, 24).Select(_ => random.Next(64)).ToArray();
        var targets = Enumerable.Range(0, 24).Select(_ => random.Next(64)).ToArray();
        var before = (float[])Base.Parameters.Clone();
        var baseLoss = new TrainingPass(Base, 2, 12).Forward(ids, targets);

        var adapter = Fresh();
        var pass = new TrainingPass(Base, 2, 12, adapter, quantizedBase: new QuantizedBase(Base));
        var first = pass.Forward(ids, targets);
        Assert.True(Math.Abs(first - baseLoss) <= QuantizedLossRelativeTolerance * baseLoss, $"4-bit loss {first}, fp32 loss {baseLoss}");
        Assert.NotEqual(baseLoss, first); // the 4-bit weights are really in use

        var optimizer = new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.0, adapter.OptimizerSlices());
        for (var step = 0; step < 30; step++)
        {
            pass.ZeroGradients();
            pass.Forward(ids, targets);
            pass.Backward();
            optimizer.Step(adapter.Values, adapter.Gradients);
        }
        var last = pass.Forward(ids, targets);

        Assert.True(last < first * 0.8f, $"loss {first} → {last}");
        Assert.All(pass.Gradients, g => Assert.Equal(0f, g));
        Assert.Equal(before, Base.Parameters);
    }

    [Fact]
    public void A_4_bit_base_without_an_adapter_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingPass(Base, 1, 4, adapter: null, quantizedBase: new QuantizedBase(Base)));

        Assert.Contains("QLoRA", error.Message);
    }

    [Fact]
    public void Loaded_for_qlora_the_base_holds_no_fp32_projections_and_computes_what_the_quantized_full_model_computes()
    {
        using var folder = new FineTune.Testing.TempDirectory();
        LlamaCheckpoints.Save(Base, folder.Path);

        var (rest, weights) = QuantizedBase.Load(folder.Path);

        Assert.False(rest.Layout.StoresProjections);
        Assert.Equal(Base.ParameterCount - weights.FrozenParameters, rest.ParameterCount); // embeddings, norms only
        var random = new Random(3);
        var ids = Enumerable.Range(0, 24).Select(_ => random.Next(64)).ToArray();
        var adapter = Fresh();
        var fromFull = new TrainingPass(Base, 2, 12, adapter, quantizedBase: new QuantizedBase(Base)).Forward(ids, ids);
        var fromLoaded = new TrainingPass(rest, 2, 12, adapter, quantizedBase: weights).Forward(ids, ids);
        Assert.Equal(fromFull, fromLoaded);
        Assert.Equal(new QuantizedBase(Base).Dequantized(Base).Parameters, weights.Dequantized(rest).Parameters);
        Assert.Throws<ArgumentException>(() => new TrainingPass(rest, 2, 12)); // no weights to run without the 4-bit base
        Assert.Throws<ArgumentException>(() => new InferenceSession(rest));
    }
}
