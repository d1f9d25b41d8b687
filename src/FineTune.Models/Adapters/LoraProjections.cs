using FineTune.Engine.Adapters;
using FineTune.Engine.Layers;
using FineTune.Models.Llama;

namespace FineTune.Models.Adapters;

/// <summary>
/// The projections of a model with a LoRA or DoRA adapter on some of them: the base weight stays
/// frozen (no weight gradient is computed), the adapter's tensors get their gradients in
/// <see cref="AdapterParameters.Gradients"/>. Keeps, per adapted module, what backward needs for
/// a batch of <c>tokens</c> rows. Dropout masks are drawn anew on every forward from a generator
/// the trainer reseeds each micro-batch (so a resumed run draws the masks the uninterrupted one drew),
/// and dropout is off while evaluating.
/// </summary>
internal sealed class LoraProjections : IProjections
{
    private readonly AdapterParameters _adapter;
    private readonly float _scale;
    private readonly Dictionary<AdapterModuleSlices, Saved> _saved = [];
    private Random _dropout;
    private readonly QuantizedBase? _quantized;
    private readonly Dictionary<AdapterModuleSlices, bool> _usedMask = []; // whether the last forward applied a mask

    /// <param name="quantized">QLoRA: the frozen weights in 4 bits, used instead of the fp32 ones passed in.</param>
    public LoraProjections(AdapterParameters adapter, int tokens, int seed, QuantizedBase? quantized = null)
    {
        _adapter = adapter;
        _quantized = quantized;
        _scale = adapter.Config.Scale;
        _dropout = new Random(seed);
        var rank = adapter.Config.Rank;
        foreach (var m in adapter.Modules)
            _saved[m] = new Saved(
                XA: new float[tokens * rank],
                Mask: adapter.Config.Dropout > 0 && !adapter.Config.UseDora ? new float[tokens * m.Inputs] : [],
                Unscaled: adapter.Config.UseDora ? new float[tokens * m.Outputs] : [],
                Norms: adapter.Config.UseDora ? new float[m.Outputs] : []);
    }

    /// <summary>Dropout on or off (evaluation); when on, the next masks come from a generator seeded with <paramref name="seed"/>.</summary>
    public void SetDropout(bool enabled, int seed)
    {
        DropoutEnabled = enabled;
        _dropout = new Random(seed);
    }

    public bool DropoutEnabled { get; private set; } = true;

    /// <summary>Per module: x·Aᵀ (N, r), the dropout mask (N, in) and for DoRA the output before the magnitude (N, out) and row norms (out).</summary>
    private sealed record Saved(float[] XA, float[] Mask, float[] Unscaled, float[] Norms);

    public void Forward(int layer, string module, Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int inChannels, int outChannels)
    {
        if (_quantized is not null) weight = _quantized.Dequantize(layer, module);
        if (_adapter.Find(layer, module) is not { } m)
        {
            Linear.Forward(output, x, weight, bias, inChannels, outChannels);
            return;
        }
        var s = _saved[m];
        var rows = x.Length / inChannels;
        var a = _adapter.A(m, _adapter.Values);
        var b = _adapter.B(m, _adapter.Values);
        var xa = s.XA.AsSpan(0, rows * _adapter.Config.Rank);
        if (_adapter.Config.UseDora)
        {
            DoraLinear.Forward(output, x, weight, bias, a, b, _adapter.Magnitude(m, _adapter.Values), _scale, inChannels, outChannels,
                _adapter.Config.Rank, xa, s.Unscaled.AsSpan(0, rows * outChannels), s.Norms);
            return;
        }
        var mask = s.Mask.AsSpan(0, s.Mask.Length == 0 || !DropoutEnabled ? 0 : rows * inChannels);
        _usedMask[m] = !mask.IsEmpty;
        if (!mask.IsEmpty) AdapterDropout.DrawMask(mask, (float)_adapter.Config.Dropout, _dropout);
        LoraLinear.Forward(output, x, weight, bias, a, b, _scale, inChannels, outChannels, _adapter.Config.Rank, xa, mask);
    }

    public void Backward(int layer, string module, Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels)
    {
        if (_quantized is not null) weight = _quantized.Dequantize(layer, module);
        if (_adapter.Find(layer, module) is not { } m)
        {
            // the base is frozen: dweight and dbias arrive empty, so only dx is computed
            Linear.Backward(dx, dweight, dbias, dout, x, weight, inChannels, outChannels);
            return;
        }
        var s = _saved[m];
        var rows = x.Length / inChannels;
        var rank = _adapter.Config.Rank;
        var a = _adapter.A(m, _adapter.Values);
        var b = _adapter.B(m, _adapter.Values);
        var da = _adapter.A(m, _adapter.Gradients);
        var db = _adapter.B(m, _adapter.Gradients);
        var xa = s.XA.AsSpan(0, rows * rank);
        if (_adapter.Config.UseDora)
        {
            DoraLinear.Backward(dx, da, db, _adapter.Magnitude(m, _adapter.Gradients), dout, x, weight, a, b,
                _adapter.Magnitude(m, _adapter.Values), _scale, xa, s.Unscaled.AsSpan(0, rows * outChannels), s.Norms,
                inChannels, outChannels, rank);
            return;
        }
        var mask = s.Mask.AsSpan(0, _usedMask.GetValueOrDefault(m) ? rows * inChannels : 0);
        LoraLinear.Backward(dx, da, db, dout, x, weight, a, b, _scale, xa, mask, inChannels, outChannels, rank);
    }
}
