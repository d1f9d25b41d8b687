using FineTune.Engine.Layers;
using FineTune.Models.Adapters;
using FineTune.Models.Formats;
using FineTune.Models.Llama;
using FineTune.Models.Tests.FineTuning;
using FineTune.Testing;

namespace FineTune.Models.Tests.Adapters;

public sealed class AdapterSetSpecs
{
    private static readonly int[] Tokens = [1, 5, 9, 13, 2, 7];

    [Fact]
    public void Two_adapters_on_one_base_answer_differently_and_unloading_one_leaves_the_other_and_the_base()
    {
        var model = FineTuningData.NewModel();
        var before = (float[])model.Parameters.Clone();
        var set = new AdapterSet(model, "tiny");
        set.Add("a", Trained(model, seed: 1));
        set.Add("b", Trained(model, seed: 2, dora: true));

        var baseLogits = Logits(set.ModelFor(null));
        var a = Logits(set.ModelFor("a"));
        var b = Logits(set.ModelFor("b"));

        Assert.NotEqual(baseLogits, a);
        Assert.NotEqual(a, b);
        Assert.True(set.Unload("a"));
        Assert.Equal(["b"], set.Names);
        Assert.Equal(b, Logits(set.ModelFor("b")));
        var missing = Assert.Throws<KeyNotFoundException>(() => set.ModelFor("a"));
        Assert.Contains("No adapter named 'a' is loaded (loaded: b)", missing.Message);
        Assert.Equal(before, model.Parameters);
    }

    [Fact]
    public void An_adapter_for_another_base_is_refused_when_loaded()
    {
        using var folder = new TempDirectory();
        var model = FineTuningData.NewModel();
        var other = LlamaModel.CreateRandom(FineTuningData.Config with { IntermediateSize = 192 }, seed: 1);
        var config = new LoraAdapterConfig { Rank = 2, Alpha = 4, TargetModules = ["down_proj"], BaseModel = "other" };
        LoraAdapter.CreateFor(other, config, seed: 1).Save(folder.Path);

        var shape = Assert.Throws<ModelFormatException>(() => new AdapterSet(model).Load("x", folder.Path));
        Assert.Contains("down_proj", shape.Message);
        var named = Assert.Throws<ModelFormatException>(() => new AdapterSet(model, "tiny").Load("x", folder.Path));
        Assert.Contains("trained on 'other', not on 'tiny'", named.Message);
    }

    /// <summary>An adapter whose B is non-zero, so it changes the model (a fresh one would not).</summary>
    private static LoraAdapter Trained(LlamaModel model, int seed, bool dora = false)
    {
        var config = new LoraAdapterConfig { Rank = 2, Alpha = 4, TargetModules = ["q_proj", "down_proj"], UseDora = dora };
        var parameters = new AdapterParameters(LoraAdapter.CreateFor(model, config, seed), model.Config);
        var random = new Random(seed);
        foreach (var m in parameters.Modules)
        {
            var bValues = parameters.B(m, parameters.Values);
            for (var i = 0; i < bValues.Length; i++) bValues[i] = (float)(random.NextDouble() - 0.5);
        }
        return parameters.ToAdapter(model.Config);
    }

    private static float[] Logits(LlamaModel model)
    {
        var pass = new TrainingPass(model, 1, Tokens.Length);
        pass.Forward(Tokens, Enumerable.Repeat(CrossEntropy.IgnoreIndex, Tokens.Length).ToArray());
        return pass.Logits.ToArray();
    }
}
