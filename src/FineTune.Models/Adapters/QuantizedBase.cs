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
    private readonly float[] _scratch; // one dequantized (or, while loading, fp32) matrix at a time

    /// <summary>Quantizes the projections of a model that holds them in fp32.</summary>
    public QuantizedBase(LlamaModel model)
        : this(model.Config, (site, scratch) =>
        {
            if (!model.Layout.StoresProjections) throw new ArgumentException("The model holds no projection weights to quantize.", nameof(model));
            return model[model.Layout[site.Path + ".weight"]];
        })
    {
    }

    /// <param name="read">Gives a projection's fp32 weights (out·in), possibly in the scratch buffer it is handed.</param>
    private QuantizedBase(LlamaConfig config, Func<LoraTargets.Site, float[], ReadOnlySpan<float>> read)
    {
        var sites = LoraTargets.Sites(config, LoraTargets.All).ToList();
        _scratch = new float[sites.Max(site => site.Outputs * site.Inputs)];
        foreach (var site in sites)
        {
            // blocks of 64 run along the flattened weight, as bitsandbytes lays them out, so an in-width
            // that is no multiple of 64 (688 in the shipped base) still quantizes; the whole matrix is
            // always dequantized at once, so no block needs to stay inside one row
            var count = site.Outputs * site.Inputs;
            if (count % Nf4Tensor.BlockSize != 0)
                throw new ArgumentException($"{site.Path} has {count} weights, not a multiple of NF4's {Nf4Tensor.BlockSize}-weight blocks.");
            _weights[(site.Layer, site.Module)] = Nf4Tensor.Quantize(read(site, _scratch)[..count], count / Nf4Tensor.BlockSize, Nf4Tensor.BlockSize);
        }
        FrozenParameters = _weights.Values.Sum(w => w.ElementCount);
        Bytes = _weights.Values.Sum(w => w.ByteSize);
    }

    /// <summary>
    /// Loads a Hugging Face folder for QLoRA without ever holding its projections in fp32: each is read
    /// into one scratch matrix and quantized, and the rest (embeddings, norms, biases) goes into a
    /// model that stores no projections — so training memory is the 4-bit base, not the fp32 one.
    /// </summary>
    public static (LlamaModel Model, QuantizedBase Weights) Load(string folder)
    {
        using var checkpoint = Formats.HuggingFaceCheckpoint.Open(folder);
        var rest = new LlamaModel(checkpoint.Config, storeProjections: false);
        foreach (var slice in rest.Layout.All)
        {
            if (!checkpoint.Contains(slice.Name))
                throw new Formats.ModelFormatException(folder, slice.Name, "the weights have no such tensor, and this config needs it");
            checkpoint.ReadInto(slice.Name, slice.Shape, rest[slice]);
        }
        var weights = new QuantizedBase(checkpoint.Config, (site, scratch) =>
        {
            var name = site.Path + ".weight";
            if (!checkpoint.Contains(name)) throw new Formats.ModelFormatException(folder, name, "the weights have no such tensor, and this config needs it");
            var destination = scratch.AsSpan(0, site.Outputs * site.Inputs);
            checkpoint.ReadInto(name, [site.Outputs, site.Inputs], destination);
            return destination;
        });
        return (rest, weights);
    }

    /// <summary>Weights held in 4 bits.</summary>
    public long FrozenParameters { get; }

    /// <summary>Bytes they take (codes, 8-bit scales, second-level scales).</summary>
    public long Bytes { get; }

    public double BytesPerParameter => (double)Bytes / FrozenParameters;

    /// <summary>
    /// A copy of <paramref name="model"/> whose projections hold the 4-bit weights dequantized — the
    /// base QLoRA actually trained against, and so the one to merge its adapter into.
    /// </summary>
    /// <param name="model">The rest of the model: a full one, or one that stores no projections.</param>
    public LlamaModel Dequantized(LlamaModel model)
    {
        var copy = new LlamaModel(model.Config);
        foreach (var tensor in model.Layout.All) model[tensor].CopyTo(copy[copy.Layout[tensor.Name]]);
        foreach (var ((layer, module), tensor) in _weights)
            tensor.Dequantize(copy[copy.Layout[LoraTargets.ModulePath(layer, module) + ".weight"]]);
        return copy;
    }

    /// <summary>The dequantized weight of a projection; valid until the next call.</summary>
    public ReadOnlySpan<float> Dequantize(int layer, string module)
    {
        var tensor = _weights[(layer, module)];
        var destination = _scratch.AsSpan(0, (int)tensor.ElementCount);
        tensor.Dequantize(destination);
        return destination;
    }
}
