using FineTune.Engine.Adapters;
using FineTune.Engine.Optim;
using FineTune.Models.Adapters;
using FineTune.Models.Llama;
using FineTune.Models.Tests.Llama;
using FineTune.Models.Tests.Parity;

namespace FineTune.Models.Tests.Adapters;

public sealed class AdapterTrainingSpecs
{
    /// <summary>
    /// Whole-model central differences in float32 with step 1e-2: truncation O(h²) and rounding
    /// of a ~3.5 loss leave about 1% of the largest gradient; a wrong term is off by far more.
    /// </summary>
    private const double WholeModelGradientTolerance = 0.02;

    private static readonly LlamaModel Base = LlamaModel.CreateRandom(InferenceSessionSpecs.TinyConfig, seed: 4, std: 0.3f);
    private static readonly (int[] Ids, int[] Targets) Batch = RandomBatch(2 * 6, seed: 9);

    private static LoraAdapterConfig Lora(bool dora = false, double dropout = 0) => new()
    {
        Rank = 2, Alpha = 4, Dropout = dropout, TargetModules = ["q_proj", "v_proj", "o_proj", "down_proj"], UseDora = dora,
    };

    private static AdapterParameters Fresh(LoraAdapterConfig config) => new(
        LoraAdapter.CreateFor(Base, config, seed: 2), Base.Config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fresh_adapter_leaves_the_model_as_it_was_and_computes_no_base_gradient(bool dora)
    {
        var plain = new TrainingPass(Base, 2, 6);
        var adapted = new TrainingPass(Base, 2, 6, Fresh(Lora(dora)));

        var expected = plain.Forward(Batch.Ids, Batch.Targets);
        var loss = adapted.Forward(Batch.Ids, Batch.Targets);
        adapted.Backward();

        Assert.Equal(expected, loss, 5e-6f);
        Assert.All(adapted.Gradients, g => Assert.Equal(0f, g)); // the base is frozen
        Assert.Contains(adapted.Adapter!.Gradients, g => g != 0f);
    }

    [Fact]
    public void Lora_gradients_match_whole_model_finite_differences()
    {
        var adapter = Fresh(Lora());
        var random = new Random(5);
        for (var i = 0; i < adapter.Values.Length; i++) adapter.Values[i] = (float)(random.NextDouble() - 0.5); // B away from zero
        var pass = new TrainingPass(Base, 2, 6, adapter);
        pass.Forward(Batch.Ids, Batch.Targets);
        pass.Backward();
        var analytic = (float[])adapter.Gradients.Clone();

        const float h = 1e-2f;
        var largest = analytic.Max(Math.Abs);
        foreach (var i in Enumerable.Range(0, 40).Select(k => k * (adapter.Values.Length / 40)))
        {
            var original = adapter.Values[i];
            adapter.Values[i] = original + h;
            double up = pass.Forward(Batch.Ids, Batch.Targets);
            adapter.Values[i] = original - h;
            double down = pass.Forward(Batch.Ids, Batch.Targets);
            adapter.Values[i] = original;
            var numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= WholeModelGradientTolerance * largest,
                $"value {i}: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Training_only_the_adapter_lowers_the_loss_and_never_touches_the_base(bool dora)
    {
        var before = (float[])Base.Parameters.Clone();
        var adapter = Fresh(Lora(dora, dropout: dora ? 0 : 0.1));
        var pass = new TrainingPass(Base, 2, 6, adapter, dropoutSeed: 3);
        var optimizer = new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.0, adapter.OptimizerSlices());

        var first = pass.Forward(Batch.Ids, Batch.Targets);
        for (var step = 0; step < 30; step++)
        {
            pass.ZeroGradients();
            pass.Forward(Batch.Ids, Batch.Targets);
            pass.Backward();
            optimizer.Step(adapter.Values, adapter.Gradients);
        }
        var last = new TrainingPass(Base, 2, 6, adapter).Forward(Batch.Ids, Batch.Targets);

        Assert.True(last < first * 0.8f, $"loss {first} → {last}");
        Assert.Equal(before, Base.Parameters);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_merged_adapter_gives_the_logits_of_the_adapter_on_its_base(bool dora)
    {
        var adapter = Fresh(Lora(dora));
        var random = new Random(8);
        for (var i = 0; i < adapter.Values.Length; i++) adapter.Values[i] += (float)(random.NextDouble() - 0.5) * 0.2f;

        var adapted = new TrainingPass(Base, 2, 6, adapter);
        adapted.Forward(Batch.Ids, Batch.Targets);
        var merged = new TrainingPass(AdapterMerge.Merge(Base, adapter), 2, 6);
        merged.Forward(Batch.Ids, Batch.Targets);

        LlamaParitySpecs.AssertClose("merged logits", adapted.Logits.ToArray(), merged.Logits.ToArray(), 1e-5);
    }

    [Fact]
    public void A_trained_adapter_saves_in_peft_format_and_loads_back_into_the_same_numbers()
    {
        using var folder = new FineTune.Testing.TempDirectory();
        var adapter = Fresh(Lora(dora: true));
        adapter.Values.AsSpan().Fill(0.25f);

        adapter.ToAdapter(Base.Config).Save(folder.Path);
        var loaded = new AdapterParameters(LoraAdapter.Load(folder.Path, Base.Config), Base.Config);

        Assert.Equal(adapter.Values, loaded.Values);
    }


    private static (int[], int[]) RandomBatch(int count, int seed)
    {
        var random = new Random(seed);
        return (Enumerable.Range(0, count).Select(_ => random.Next(32)).ToArray(), Enumerable.Range(0, count).Select(_ => random.Next(32)).ToArray());
    }
}
