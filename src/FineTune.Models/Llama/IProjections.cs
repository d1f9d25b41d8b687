using FineTune.Engine.Layers;

namespace FineTune.Models.Llama;

/// <summary>
/// Every linear projection of a decoder layer (q, k, v, o, gate, up, down) goes through this, so an
/// adapter can sit on any of them without the layer code knowing. Shapes as <see cref="Linear"/>:
/// x (N, in), weight (out, in), output (N, out); backward accumulates.
/// </summary>
internal interface IProjections
{
    void Forward(int layer, string module, Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int inChannels, int outChannels);

    void Backward(int layer, string module, Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels);
}

/// <summary>The base model's own projections, nothing added.</summary>
internal sealed class PlainProjections : IProjections
{
    public static PlainProjections Instance { get; } = new();

    public void Forward(int layer, string module, Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int inChannels, int outChannels) =>
        Linear.Forward(output, x, weight, bias, inChannels, outChannels);

    public void Backward(int layer, string module, Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels) =>
        Linear.Backward(dx, dweight, dbias, dout, x, weight, inChannels, outChannels);
}
