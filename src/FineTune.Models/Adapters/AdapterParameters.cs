using OptimizerSlice = FineTune.Engine.Optim.ParameterSlice;

namespace FineTune.Models.Adapters;

/// <summary>Where one adapted module's tensors sit in <see cref="AdapterParameters.Values"/>.</summary>
public sealed record AdapterModuleSlices(string Path, int Layer, string Module, int Inputs, int Outputs, int A, int B, int? Magnitude);

/// <summary>
/// A LoRA/DoRA adapter's trainable tensors in one buffer with a gradient buffer beside it (the
/// engine's layout: one array for the optimizer, clipping and checkpoints to walk).
/// </summary>
public sealed class AdapterParameters
{
    private readonly Dictionary<(int Layer, string Module), AdapterModuleSlices> _modules = [];

    public AdapterParameters(LoraAdapter adapter, LlamaConfig baseConfig)
    {
        Config = adapter.Config;
        var rank = Config.Rank;
        var offset = 0;
        var all = new List<AdapterModuleSlices>();
        foreach (var site in LoraTargets.Sites(baseConfig, Config.TargetModules))
        {
            var slices = new AdapterModuleSlices(site.Path, site.Layer, site.Module, site.Inputs, site.Outputs, offset, offset + rank * site.Inputs,
                Config.UseDora ? offset + rank * site.Inputs + site.Outputs * rank : null);
            offset += rank * site.Inputs + site.Outputs * rank + (Config.UseDora ? site.Outputs : 0);
            _modules[(site.Layer, site.Module)] = slices;
            all.Add(slices);
        }
        Modules = all;
        Values = new float[offset];
        foreach (var m in all)
        {
            var weights = adapter.Modules[m.Path];
            weights.A.CopyTo(Values, m.A);
            weights.B.CopyTo(Values, m.B);
            if (m.Magnitude is { } at) weights.Magnitude!.CopyTo(Values, at);
        }
    }

    public LoraAdapterConfig Config { get; }
    public IReadOnlyList<AdapterModuleSlices> Modules { get; }
    public float[] Values { get; }

    /// <summary>Allocated on first use: an adapter that is only served or merged never needs one.</summary>
    public float[] Gradients => _gradients ??= new float[Values.Length];

    private float[]? _gradients;

    public AdapterModuleSlices? Find(int layer, string module) => _modules.GetValueOrDefault((layer, module));

    public Span<float> A(AdapterModuleSlices m, float[] buffer) => buffer.AsSpan(m.A, Config.Rank * m.Inputs);
    public Span<float> B(AdapterModuleSlices m, float[] buffer) => buffer.AsSpan(m.B, m.Outputs * Config.Rank);
    public Span<float> Magnitude(AdapterModuleSlices m, float[] buffer) => m.Magnitude is { } at ? buffer.AsSpan(at, m.Outputs) : default;

    /// <summary>A and B decay as PEFT's AdamW would decay them; magnitudes (like norms) do not.</summary>
    public IReadOnlyList<OptimizerSlice> OptimizerSlices() => Modules.SelectMany(m => m.Magnitude is { } at
        ? new[] { new OptimizerSlice(m.A, at - m.A, true), new OptimizerSlice(at, m.Outputs, false) }
        : [new OptimizerSlice(m.A, Config.Rank * m.Inputs + m.Outputs * Config.Rank, true)]).ToList();

    /// <summary>The trained tensors as an adapter to save (PEFT format) or merge.</summary>
    public LoraAdapter ToAdapter(LlamaConfig baseConfig) => new(Config, baseConfig, Modules.ToDictionary(m => m.Path,
        m => new LoraModuleWeights(A(m, Values).ToArray(), B(m, Values).ToArray(), m.Magnitude is null ? null : Magnitude(m, Values).ToArray())));
}
