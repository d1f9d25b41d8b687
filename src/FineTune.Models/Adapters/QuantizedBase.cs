using FineTune.Engine.Quantization;
using FineTune.Models.Llama;

namespace FineTune.Models.Adapters;

/// <summary>
/// QLoRA's frozen base: every linear weight of every decoder layer as 4-bit NormalFloat with
/// double-quantized scales (<see cref="Nf4Tensor"/>), dequantized on the fly, one matrix at a
/// time, into a scratch buffer when a projection needs it — in forward and again in backward.
/// </summary>
public sealed class QuantizedBase
{
    private readonly Dictionary<(int Layer, string Module), Nf4Tensor> _weights = [];
    private readonly float[] _scratch;

    public QuantizedBase(LlamaModel model)
    {
        var largest = 0;
        foreach (var site in LoraTargets.Sites(model.Config, LoraTargets.All))
        {
            var tensor = model.Layout[site.Path + ".weight"];
            _weights[(site.Layer, site.Module)] = Nf4Tensor.Quantize(model[tensor], site.Outputs, site.Inputs);
            largest = Math.Max(largest, site.Outputs * site.Inputs);
        }
        _scratch = new float[largest];
        FrozenParameters = _weights.Values.Sum(w => w.ElementCount);
        Bytes = _weights.Values.Sum(w => w.ByteSize);
    }

    /// <summary>Weights held in 4 bits.</summary>
    public long FrozenParameters { get; }

    /// <summary>Bytes they take (codes, 8-bit scales, second-level scales).</summary>
    public long Bytes { get; }

    public double BytesPerParameter => (double)Bytes / FrozenParameters;

    /// <summary>The dequantized weight of a projection; valid until the next call.</summary>
    public ReadOnlySpan<float> Dequantize(int layer, string module)
    {
        var tensor = _weights[(layer, module)];
        var destination = _scratch.AsSpan(0, (int)tensor.ElementCount);
        tensor.Dequantize(destination);
        return destination;
    }
}
