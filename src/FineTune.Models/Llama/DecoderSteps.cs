using System.Numerics.Tensors;
using FineTune.Engine.Layers;

namespace FineTune.Models.Llama;

/// <summary>
/// The parts of a decoder layer's forward that training and inference share; they differ only in
/// where keys and values go (kept for backward, or written to a KV cache) and what is kept.
/// Shapes: N rows (tokens), C hidden, I intermediate.
/// </summary>
internal static class DecoderSteps
{
    // x: (N,C) -> norm, rstd: (N,C), (N); q: (N,NH·D), k, v: (N,NKV·D), rotated to their positions (N)
    public static void AttentionInputs(LlamaModel model, IProjections projections, int layer, LayerSlices w, ReadOnlySpan<float> x,
        Span<float> norm, Span<float> rstd, Span<float> q, Span<float> k, Span<float> v,
        ReadOnlySpan<int> positions, RopeTable rope, int n)
    {
        var config = model.Config;
        int c = config.HiddenSize, qWidth = config.NumHeads * config.HeadDim, kvWidth = config.NumKeyValueHeads * config.HeadDim;
        RmsNorm.Forward(norm, rstd, x, model[w.InputNorm], config.RmsNormEps);
        projections.Forward(layer, "q_proj", q, norm, model[w.Q], Bias(model, w.QBias), c, qWidth);
        projections.Forward(layer, "k_proj", k, norm, model[w.K], Bias(model, w.KBias), c, kvWidth);
        projections.Forward(layer, "v_proj", v, norm, model[w.V], Bias(model, w.VBias), c, kvWidth);
        Rope.Forward(q, positions, config.NumHeads, rope);
        Rope.Forward(k, positions, config.NumKeyValueHeads, rope);
    }

    // attended: (N,NH·D) -> o_proj into scratch (N,C); mid = x + scratch (mid may be x)
    public static void AttentionOutput(LlamaModel model, IProjections projections, int layer, LayerSlices w, ReadOnlySpan<float> x, ReadOnlySpan<float> attended,
        Span<float> scratch, Span<float> mid, int n)
    {
        var config = model.Config;
        projections.Forward(layer, "o_proj", scratch, attended, model[w.O], default, config.NumHeads * config.HeadDim, config.HiddenSize);
        TensorPrimitives.Add(x, scratch, mid);
    }

    // mid: (N,C) -> norm, rstd -> gate, up: (N,I) -> hidden = silu(gate)·up -> down_proj into scratch (N,C);
    // output = mid + scratch (output may be mid)
    public static void Mlp(LlamaModel model, IProjections projections, int layer, LayerSlices w, ReadOnlySpan<float> mid, Span<float> norm, Span<float> rstd,
        Span<float> gate, Span<float> up, Span<float> hidden, Span<float> scratch, Span<float> output, int n)
    {
        var config = model.Config;
        int c = config.HiddenSize, inner = config.IntermediateSize;
        RmsNorm.Forward(norm, rstd, mid, model[w.PostAttentionNorm], config.RmsNormEps);
        projections.Forward(layer, "gate_proj", gate, norm, model[w.Gate], default, c, inner);
        projections.Forward(layer, "up_proj", up, norm, model[w.Up], default, c, inner);
        SwiGlu.Forward(hidden, gate, up);
        projections.Forward(layer, "down_proj", scratch, hidden, model[w.Down], default, inner, c);
        TensorPrimitives.Add(mid, scratch, output);
    }

    // x: (N,C) -> final norm (N,C) -> logits (N,V)
    public static void Head(LlamaModel model, IProjections projections, ReadOnlySpan<float> x, Span<float> norm, Span<float> rstd, Span<float> logits, int n)
    {
        var config = model.Config;
        RmsNorm.Forward(norm, rstd, x, model[model.Layout.FinalNorm], config.RmsNormEps);
        projections.Forward(HeadLayer, "lm_head", logits, norm, model[model.Layout.LmHead], default, config.HiddenSize, config.VocabSize);
    }

    /// <summary>The layer index the head goes by when a projection set serves it too.</summary>
    public const int HeadLayer = -1;

    public static ReadOnlySpan<float> Bias(LlamaModel model, ParameterTensor? slice) => slice is null ? default : model[slice];
}
