namespace FineTune.Models.Llama;

/// <summary>One named tensor inside the model's single parameter buffer.</summary>
/// <param name="Name">Hugging Face's name, so checkpoints load and save without a mapping table.</param>
/// <param name="Offset">First element in the buffer.</param>
public sealed record ParameterTensor(string Name, int[] Shape, int Offset, bool Stored = true)
{
    /// <summary>Values in the buffer: the shape's element count, or 0 for a tensor the model does not hold (<see cref="ParameterLayout.StoresProjections"/>).</summary>
    public int Length { get; } = Stored ? Shape.Aggregate(1, (a, b) => checked(a * b)) : 0;

    /// <summary>Matrices and embeddings decay; norms and biases do not (the usual AdamW grouping).</summary>
    public bool Decays => Shape.Length >= 2;

    public Span<float> Of(float[] buffer) => buffer.AsSpan(Offset, Length);
}

/// <summary>The slices of one decoder layer, in the order they sit in the buffer.</summary>
public sealed record LayerSlices(
    ParameterTensor InputNorm,
    ParameterTensor Q, ParameterTensor? QBias,
    ParameterTensor K, ParameterTensor? KBias,
    ParameterTensor V, ParameterTensor? VBias,
    ParameterTensor O,
    ParameterTensor PostAttentionNorm,
    ParameterTensor Gate, ParameterTensor Up, ParameterTensor Down);

/// <summary>
/// Where every parameter of a Llama model lives in one contiguous float buffer (llm.c's layout): the
/// optimizer, gradient clipping and checkpoints each walk one array, and a gradient buffer of the
/// same length uses the same offsets.
/// </summary>
public sealed class ParameterLayout
{
    private readonly Dictionary<string, ParameterTensor> _byName = new(StringComparer.Ordinal);
    private readonly List<ParameterTensor> _all = [];

    /// <param name="storeProjections">
    /// False for QLoRA's base: the decoder layers' projection weights live elsewhere (4-bit, in a
    /// <see cref="Adapters.QuantizedBase"/>), so the buffer holds only embeddings, norms and biases —
    /// their slices are empty and they are left out of <see cref="All"/>.
    /// </param>
    public ParameterLayout(LlamaConfig config, bool storeProjections = true)
    {
        StoresProjections = storeProjections;
        config.Validate();
        int c = config.HiddenSize, d = config.HeadDim, nh = config.NumHeads, nkv = config.NumKeyValueHeads, i = config.IntermediateSize;
        Embedding = Add("model.embed_tokens.weight", config.VocabSize, c);
        var layers = new LayerSlices[config.NumLayers];
        for (var l = 0; l < layers.Length; l++)
        {
            var p = $"model.layers.{l}.";
            layers[l] = new LayerSlices(
                InputNorm: Add(p + "input_layernorm.weight", c),
                Q: Projection(p + "self_attn.q_proj.weight", nh * d, c), QBias: config.QkvBias ? Add(p + "self_attn.q_proj.bias", nh * d) : null,
                K: Projection(p + "self_attn.k_proj.weight", nkv * d, c), KBias: config.QkvBias ? Add(p + "self_attn.k_proj.bias", nkv * d) : null,
                V: Projection(p + "self_attn.v_proj.weight", nkv * d, c), VBias: config.QkvBias ? Add(p + "self_attn.v_proj.bias", nkv * d) : null,
                O: Projection(p + "self_attn.o_proj.weight", c, nh * d),
                PostAttentionNorm: Add(p + "post_attention_layernorm.weight", c),
                Gate: Projection(p + "mlp.gate_proj.weight", i, c),
                Up: Projection(p + "mlp.up_proj.weight", i, c),
                Down: Projection(p + "mlp.down_proj.weight", c, i));
        }
        Layers = layers;
        FinalNorm = Add("model.norm.weight", c);
        // A tied head reads the embedding matrix; its gradient then accumulates into the embedding's slice.
        LmHead = config.TieWordEmbeddings ? Embedding : Add("lm_head.weight", config.VocabSize, c);
    }

    public bool StoresProjections { get; }

    public ParameterTensor Embedding { get; }
    public IReadOnlyList<LayerSlices> Layers { get; }
    public ParameterTensor FinalNorm { get; }
    public ParameterTensor LmHead { get; }

    /// <summary>Every distinct slice, in buffer order.</summary>
    public IReadOnlyList<ParameterTensor> All => _all;

    /// <summary>Total floats in the buffer.</summary>
    public int Count { get; private set; }

    public ParameterTensor this[string name] =>
        _byName.TryGetValue(name, out var slice) ? slice : throw new KeyNotFoundException($"The model has no parameter '{name}'.");

    public bool Contains(string name) => _byName.ContainsKey(name);

    private ParameterTensor Projection(string name, params int[] shape) =>
        StoresProjections ? Add(name, shape) : new ParameterTensor(name, shape, Count, Stored: false);

    private ParameterTensor Add(string name, params int[] shape)
    {
        var slice = new ParameterTensor(name, shape, Count);
        Count = checked(Count + slice.Length);
        _byName.Add(name, slice);
        _all.Add(slice);
        return slice;
    }
}
