using FineTune.Models.Adapters;

namespace FineTune.Models.Llama;

/// <summary>Rows [Start, Start + Count) of a step, served with <see cref="Adapter"/>.</summary>
internal readonly record struct AdapterSegment(int Start, int Count, ServingAdapter Adapter);

/// <summary>
/// A step's projections when its rows belong to different adapters on one base: the shared base
/// product (<paramref name="shared"/>, fp32 or int8) runs once over all rows, then each segment of rows
/// adds its own adapter's delta. Rows of no segment are the base model's. Inference only.
/// </summary>
internal sealed class MixedAdapterProjections(IProjections shared) : IProjections
{
    /// <summary>The current step's segments, set before its forward.</summary>
    public List<AdapterSegment> Segments { get; } = [];

    public void Forward(int layer, string module, Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int inChannels, int outChannels)
    {
        shared.Forward(layer, module, output, x, weight, bias, inChannels, outChannels);
        if (layer == DecoderSteps.HeadLayer) return; // adapters sit on decoder layers; the head's rows are one per sequence, not the step's rows
        foreach (var segment in Segments)
            segment.Adapter.Apply(layer, module, output.Slice(segment.Start * outChannels, segment.Count * outChannels),
                x.Slice(segment.Start * inChannels, segment.Count * inChannels), bias, inChannels, outChannels);
    }

    public void Backward(int layer, string module, Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels) =>
        throw new NotSupportedException("Served adapters are for inference only; train with LoraProjections.");
}
