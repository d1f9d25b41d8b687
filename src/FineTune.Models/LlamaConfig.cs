namespace FineTune.Models;

/// <summary>
/// The shape of a Llama-family model (Llama 2/3, Mistral without a sliding window, Qwen2, SmolLM2,
/// TinyLlama). Property meanings follow Hugging Face's <c>config.json</c>; reading and writing that
/// file lives in <c>Formats/</c>.
/// </summary>
public sealed record LlamaConfig
{
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }

    /// <summary>Width of one attention head; Hugging Face's <c>head_dim</c>, else hidden / heads.</summary>
    public int? ExplicitHeadDim { get; init; }
    public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumHeads;

    public float RmsNormEps { get; init; } = 1e-5f;
    public double RopeTheta { get; init; } = 10000.0;
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Biases on the q, k and v projections (Qwen2; Llama's <c>attention_bias</c>). The output projection never has one.</summary>
    public bool QkvBias { get; init; }

    public string ModelType { get; init; } = "llama";
    public int? BosTokenId { get; init; }
    public int? EosTokenId { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        Require(VocabSize > 0, "vocab_size", "must be positive");
        Require(HiddenSize > 0, "hidden_size", "must be positive");
        Require(IntermediateSize > 0, "intermediate_size", "must be positive");
        Require(NumLayers > 0, "num_hidden_layers", "must be positive");
        Require(NumHeads > 0, "num_attention_heads", "must be positive");
        Require(NumKeyValueHeads > 0 && NumHeads % NumKeyValueHeads == 0, "num_key_value_heads",
            $"must divide num_attention_heads ({NumHeads}), got {NumKeyValueHeads}");
        Require(ExplicitHeadDim is not null || HiddenSize % NumHeads == 0, "hidden_size",
            $"must be a multiple of num_attention_heads ({NumHeads}) when head_dim is not given");
        Require(HeadDim % 2 == 0, "head_dim", $"must be even for rotary embeddings, got {HeadDim}");
        Require(RmsNormEps > 0, "rms_norm_eps", "must be positive");
        Require(RopeTheta > 0, "rope_theta", "must be positive");
    }

    private static void Require(bool condition, string field, string problem)
    {
        if (!condition) throw new ArgumentException($"config field '{field}' {problem}.", field);
    }
}
