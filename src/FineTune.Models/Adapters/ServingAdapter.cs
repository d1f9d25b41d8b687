using System.Buffers;
using System.Numerics.Tensors;
using FineTune.Engine.Adapters;
using FineTune.Engine.Kernels;
using FineTune.Models.Llama;

namespace FineTune.Models.Adapters;

/// <summary>
/// A LoRA or DoRA adapter ready to ride on a shared base inside a mixed batch, unmerged — the gather
/// approach of S-LoRA and Punica: the base product runs once for every row of a step, then each group
/// of rows adds its own adapter's <c>s·(x·Aᵀ)·Bᵀ</c>. DoRA's output is the LoRA output rescaled per
/// output row by <c>m / ‖W0 + s·B·A‖</c>; that factor depends only on the weights, so it is computed
/// once here, against the base the adapter will be served on. Costs the adapter's own bytes, not a copy
/// of the base: this is what lets many adapters share one base model in memory.
/// </summary>
public sealed class ServingAdapter
{
    private readonly AdapterParameters _adapter;
    private readonly Dictionary<AdapterModuleSlices, float[]> _doraFactors = [];

    /// <param name="id">The name requests serve it under (<c>support-bot:3</c>).</param>
    /// <param name="baseModel">The base it is served on; its projections give DoRA's norms.</param>
    public ServingAdapter(string id, LlamaModel baseModel, AdapterParameters adapter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
        Base = baseModel;
        _adapter = adapter;
        if (!adapter.Config.UseDora) return;
        foreach (var m in adapter.Modules)
        {
            var norms = new float[m.Outputs];
            DoraLinear.WeightNorms(norms, baseModel[baseModel.Layout[m.Path + ".weight"]], adapter.A(m, adapter.Values), adapter.B(m, adapter.Values),
                adapter.Config.Scale, m.Inputs, m.Outputs, adapter.Config.Rank);
            TensorPrimitives.Divide(adapter.Magnitude(m, adapter.Values), norms, norms);
            _doraFactors[m] = norms;
        }
    }

    public string Id { get; }

    /// <summary>The model this adapter was prepared against; a session serves it only on that model.</summary>
    public LlamaModel Base { get; }

    /// <summary>What it holds in memory: A, B (and magnitudes) plus DoRA's per-row factors.</summary>
    public long Bytes => ((long)_adapter.Values.Length + _doraFactors.Values.Sum(f => (long)f.Length)) * sizeof(float);

    public bool Adapts(int layer, string module) => _adapter.Find(layer, module) is not null;

    /// <summary>
    /// Adds this adapter to the base product of one group of rows. x: (n, in) the projection's input;
    /// output: (n, out) holding <c>x·W0ᵀ + bias</c>, which becomes the adapted layer's output.
    /// A module the adapter does not target is left as it is.
    /// </summary>
    public void Apply(int layer, string module, Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, int inChannels, int outChannels)
    {
        if (_adapter.Find(layer, module) is not { } m) return;
        var rank = _adapter.Config.Rank;
        var rows = x.Length / inChannels;
        var rented = ArrayPool<float>.Shared.Rent(rows * rank);
        try
        {
            var xa = rented.AsSpan(0, rows * rank);
            // xa (n, r) = x·Aᵀ; output += s·xa·Bᵀ
            Gemm.Sgemm(Transpose.No, Transpose.Yes, rows, rank, inChannels, 1f, x, inChannels, _adapter.A(m, _adapter.Values), inChannels, 0f, xa, rank);
            if (!_doraFactors.TryGetValue(m, out var factor))
            {
                Gemm.Sgemm(Transpose.No, Transpose.Yes, rows, outChannels, rank, _adapter.Config.Scale, xa, rank, _adapter.B(m, _adapter.Values), rank, 1f, output, outChannels);
                return;
            }
            // DoRA: (x·W0ᵀ + s·xa·Bᵀ) ⊙ m/‖W0 + s·B·A‖, with the bias outside the rescaling
            for (var r = 0; r < rows && !bias.IsEmpty; r++) TensorPrimitives.Subtract(output.Slice(r * outChannels, outChannels), bias, output.Slice(r * outChannels, outChannels));
            Gemm.Sgemm(Transpose.No, Transpose.Yes, rows, outChannels, rank, _adapter.Config.Scale, xa, rank, _adapter.B(m, _adapter.Values), rank, 1f, output, outChannels);
            for (var r = 0; r < rows; r++)
            {
                var row = output.Slice(r * outChannels, outChannels);
                TensorPrimitives.Multiply(row, factor, row);
                if (!bias.IsEmpty) TensorPrimitives.Add(row, bias, row);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
