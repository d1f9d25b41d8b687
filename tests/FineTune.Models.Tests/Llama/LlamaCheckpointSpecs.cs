using FineTune.Models.Formats;
using FineTune.Models.Llama;
using FineTune.Testing;

namespace FineTune.Models.Tests.Llama;

public sealed class LlamaCheckpointSpecs
{
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(20_000)] // several shards and an index, as large checkpoints are saved
    public void A_saved_model_loads_back_bit_for_bit_under_hugging_face_names(long maxShardBytes)
    {
        using var folder = new TempDirectory();
        var config = InferenceSessionSpecs.TinyConfig with { QkvBias = true, ModelType = "qwen2" };
        var model = LlamaModel.CreateRandom(config, seed: 5);

        LlamaCheckpoints.Save(model, folder.Path, maxShardBytes: maxShardBytes);
        var loaded = LlamaCheckpoints.Load(folder.Path);

        Assert.Equal(config, loaded.Config);
        Assert.Equal(model.Parameters, loaded.Parameters);
        using var checkpoint = HuggingFaceCheckpoint.Open(folder.Path);
        Assert.Contains("model.layers.1.self_attn.k_proj.bias", checkpoint.TensorNames);
        Assert.Contains("lm_head.weight", checkpoint.TensorNames);
        Assert.Equal(maxShardBytes != long.MaxValue, File.Exists(Path.Combine(folder.Path, HuggingFaceCheckpoint.IndexFileName)));
    }

    [Fact]
    public void A_checkpoint_missing_a_tensor_the_config_needs_names_it()
    {
        using var folder = new TempDirectory();
        var model = LlamaModel.CreateRandom(InferenceSessionSpecs.TinyConfig, seed: 5);
        var withoutDown = model.Layout.All.Where(s => s.Name != "model.layers.1.mlp.down_proj.weight")
            .Select(s => (s.Name, s.Shape, (ReadOnlyMemory<float>)model.Parameters.AsMemory(s.Offset, s.Length)));
        HuggingFaceCheckpoint.Save(folder.Path, model.Config, withoutDown);

        var error = Assert.Throws<ModelFormatException>(() => LlamaCheckpoints.Load(folder.Path));

        Assert.Contains("model.layers.1.mlp.down_proj.weight", error.Message);
    }
}
