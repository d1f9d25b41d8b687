using FineTune.Models.Adapters;
using FineTune.Models.Formats;
using FineTune.Models.Tests.Llama;
using FineTune.Testing;

namespace FineTune.Models.Tests.Adapters;

public sealed class LoraAdapterSpecs
{
    private static readonly LlamaConfig Base = InferenceSessionSpecs.TinyConfig; // hidden 16, MLP 40, 4 heads / 2 KV heads, 2 layers

    private static LoraAdapterConfig Config(bool dora = false) => new()
    {
        Rank = 4, Alpha = 8, Dropout = 0.05, TargetModules = ["q_proj", "v_proj", "down_proj"], UseDora = dora, BaseModel = "finetune-base",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_adapter_round_trips_through_the_peft_folder_layout(bool dora)
    {
        using var folder = new TempDirectory();
        var adapter = LoraAdapter.Create(Config(dora), Base, seed: 3, path => Enumerable.Repeat(2f, LoraTargets.Shape(Base, path.Split('.')[^1]).Out).ToArray());
        foreach (var weights in adapter.Modules.Values) weights.B.AsSpan().Fill(0.5f); // trained B is not zero

        adapter.Save(folder.Path);
        var loaded = LoraAdapter.Load(folder.Path, Base, "finetune-base");

        Assert.Equal(adapter.Config with { TargetModules = [] }, loaded.Config with { TargetModules = [] });
        Assert.Equal(adapter.Config.TargetModules, loaded.Config.TargetModules);
        foreach (var (path, weights) in adapter.Modules)
        {
            Assert.Equal(weights.A, loaded.Modules[path].A);
            Assert.Equal(weights.B, loaded.Modules[path].B);
            Assert.Equal(weights.Magnitude, loaded.Modules[path].Magnitude);
        }
        using var file = SafetensorsFile.Open(Path.Combine(folder.Path, LoraAdapter.WeightsFileName));
        Assert.Equal([4, 16], file.Tensors["base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight"].Shape);
        Assert.Equal([16, 4], file.Tensors["base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"].Shape);
        Assert.Equal(dora, file.Tensors.ContainsKey("base_model.model.model.layers.0.self_attn.v_proj.lora_magnitude_vector"));
    }

    [Fact]
    public void A_fresh_adapter_starts_as_peft_does_b_zero_and_a_within_the_kaiming_bound()
    {
        var adapter = LoraAdapter.Create(Config(), Base, seed: 1);

        var down = adapter.Modules["model.layers.0.mlp.down_proj"];
        Assert.All(down.B, b => Assert.Equal(0f, b));
        Assert.All(down.A, a => Assert.InRange(a, -1 / Math.Sqrt(40), 1 / Math.Sqrt(40))); // in = MLP width 40
        Assert.Contains(down.A, a => Math.Abs(a) > 0.5 / Math.Sqrt(40)); // spread over the range, not clumped at zero
        Assert.Equal(2f, adapter.Config.Scale);
        Assert.Equal(4f, (adapter.Config with { UseRsLora = true }).Scale); // alpha 8 / √rank 4
    }

    [Fact]
    public void An_adapter_for_another_base_model_is_refused_before_anything_runs()
    {
        using var folder = new TempDirectory();
        LoraAdapter.Create(Config(), Base, seed: 1).Save(folder.Path);

        var wider = Base with { HiddenSize = 32 };
        var shape = Assert.Throws<ModelFormatException>(() => LoraAdapter.Load(folder.Path, wider));
        Assert.Contains("Was the adapter trained on another base model?", shape.Message);
        var name = Assert.Throws<ModelFormatException>(() => LoraAdapter.Load(folder.Path, Base, "someone-elses-model"));
        Assert.Contains("trained on 'finetune-base'", name.Message);
        var layers = Assert.Throws<ModelFormatException>(() => LoraAdapter.Load(folder.Path, Base with { NumLayers = 1 }));
        Assert.Contains("model.layers.1.", layers.Message);
    }

    [Theory]
    [InlineData("""{"peft_type":"LORA","r":0,"lora_alpha":8,"target_modules":["q_proj"]}""", "'r'")]
    [InlineData("""{"peft_type":"LORA","r":4,"lora_alpha":0,"target_modules":["q_proj"]}""", "'lora_alpha'")]
    [InlineData("""{"peft_type":"LORA","r":4,"lora_alpha":8,"target_modules":["qkv"]}""", "Unknown LoRA target module 'qkv'")]
    [InlineData("""{"peft_type":"IA3","r":4,"lora_alpha":8,"target_modules":["q_proj"]}""", "'peft_type'")]
    [InlineData("""{"peft_type":"LORA","r":4,"lora_alpha":8,"target_modules":["q_proj"],"bias":"all"}""", "'bias'")]
    public void A_config_this_platform_cannot_honour_is_an_error_naming_the_field(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => LoraAdapterConfig.Parse(json));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Short_module_names_become_peft_names_and_unknown_ones_list_the_choices()
    {
        Assert.Equal("gate_proj", LoraTargets.Normalize("gate"));
        Assert.Equal("o_proj", LoraTargets.Normalize("o_proj"));
        var error = Assert.Throws<ArgumentException>(() => LoraTargets.Normalize("attn"));
        Assert.Contains("q, k, v, o, gate, up, down", error.Message);
    }
}
