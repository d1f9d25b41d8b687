using FineTune.Models.Formats;

namespace FineTune.Models.Llama;

/// <summary>Loads and saves a <see cref="LlamaModel"/> as a Hugging Face folder, under Hugging Face's tensor names.</summary>
public static class LlamaCheckpoints
{
    /// <summary>
    /// Reads <paramref name="folder"/> (config.json + model.safetensors or its shards) into one
    /// parameter buffer. A tied model's file may still carry <c>lm_head.weight</c>; it is ignored.
    /// Throws <see cref="ModelFormatException"/> naming a missing or mis-shaped tensor.
    /// </summary>
    public static LlamaModel Load(string folder)
    {
        using var checkpoint = HuggingFaceCheckpoint.Open(folder);
        var model = new LlamaModel(checkpoint.Config);
        foreach (var slice in model.Layout.All)
        {
            if (!checkpoint.Contains(slice.Name))
                throw new ModelFormatException(folder, slice.Name, $"the weights have no such tensor, and this {checkpoint.Config.ModelType} config needs it");
            checkpoint.ReadInto(slice.Name, slice.Shape, model[slice]);
        }
        return model;
    }

    /// <summary>Writes config.json and the weights (sharded past <paramref name="maxShardBytes"/>) into <paramref name="folder"/>.</summary>
    public static void Save(LlamaModel model, string folder, GenerationConfig? generation = null, long maxShardBytes = long.MaxValue)
    {
        Directory.CreateDirectory(folder);
        var tensors = model.Layout.All.Select(s => (s.Name, s.Shape, (ReadOnlyMemory<float>)model.Parameters.AsMemory(s.Offset, s.Length)));
        HuggingFaceCheckpoint.Save(folder, model.Config, tensors, generation, maxShardBytes);
    }
}
