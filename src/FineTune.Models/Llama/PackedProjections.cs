using FineTune.Engine.Kernels;

namespace FineTune.Models.Llama;

/// <summary>
/// The decoder's projections and the head served in float32 from weights packed once for
/// <see cref="Gemm.MultiplyPacked(ReadOnlySpan{float}, int, PackedWeights, Span{float}, bool)"/>,
/// the project's AVX-512 kernel: for the few rows of a (batched) decode step it beat OpenBLAS, which
/// <see cref="Linear"/> sends every product of more than one row to, and packing per call is what
/// makes the managed <c>Sgemm</c> slow there. Every row count runs the same kernel, whose sums for
/// one row do not depend on the other rows of the step, so a sequence's logits are the same bits
/// whether it decodes alone or batched with fifteen others, and prefill and decode agree too.
/// Holds a packed copy of every served weight (as many bytes again as the projections and head);
/// inference only: there is no backward.
/// </summary>
internal sealed class PackedProjections : IProjections
{
    private readonly Dictionary<(int Layer, string Module), PackedWeights> _weights = [];

    public PackedProjections(LlamaModel model)
    {
        foreach (var p in ServedProjection.Of(model))
            _weights[(p.Layer, p.Module)] = PackedWeights.Pack(model[p.Weight], p.OutChannels, p.InChannels);
        Bytes = _weights.Values.Sum(w => (long)w.N * w.K * sizeof(float));
    }

    /// <summary>Float32 bytes of the served weights (the packed copy adds at most a panel's padding per matrix).</summary>
    public long Bytes { get; }

    public void Forward(int layer, string module, Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int inChannels, int outChannels)
    {
        var packed = _weights[(layer, module)];
        if (packed.K != inChannels || packed.N != outChannels)
            throw new ArgumentException($"{module} of layer {layer} was packed as {packed.N}×{packed.K}, called as {outChannels}×{inChannels}.", nameof(weight));
        var rows = x.Length / inChannels;
        // Start each row from the bias and let the product add onto it, as Linear does.
        for (var row = 0; row < rows && !bias.IsEmpty; row++) bias.CopyTo(output.Slice(row * outChannels, outChannels));
        Gemm.MultiplyPacked(x, rows, packed, output[..(rows * outChannels)], accumulate: !bias.IsEmpty);
    }

    public void Backward(int layer, string module, Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels) =>
        throw new NotSupportedException("Packed projections serve inference only; train on the model's own weights.");
}
