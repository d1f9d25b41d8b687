namespace FineTune.Models.Llama;

/// <summary>
/// One weight an inference-only projection set serves: the decoder's seven projections per layer
/// and the head (under <see cref="DecoderSteps.HeadLayer"/>, "lm_head"), with the widths
/// <see cref="IProjections.Forward"/> is called with. One list, so every served set covers the same weights.
/// </summary>
internal readonly record struct ServedProjection(int Layer, string Module, ParameterTensor Weight, int InChannels, int OutChannels)
{
    public static IEnumerable<ServedProjection> Of(LlamaModel model)
    {
        var config = model.Config;
        int c = config.HiddenSize, q = config.NumHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim, inner = config.IntermediateSize;
        for (var layer = 0; layer < config.NumLayers; layer++)
        {
            var w = model.Layout.Layers[layer];
            yield return new(layer, "q_proj", w.Q, c, q);
            yield return new(layer, "k_proj", w.K, c, kv);
            yield return new(layer, "v_proj", w.V, c, kv);
            yield return new(layer, "o_proj", w.O, q, c);
            yield return new(layer, "gate_proj", w.Gate, c, inner);
            yield return new(layer, "up_proj", w.Up, c, inner);
            yield return new(layer, "down_proj", w.Down, inner, c);
        }
        // the head is the largest single matrix of a small model (49k × 576 in SmolLM2): it is read every token too
        yield return new(DecoderSteps.HeadLayer, "lm_head", model.Layout.LmHead, c, config.VocabSize);
    }
}
