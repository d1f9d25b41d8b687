using FineTune.Engine.Optim;

namespace FineTune.Models.FineTuning;

/// <summary>
/// One buffer the optimizer updates — the model's parameters, an adapter's, or a classification
/// head's — with its gradient buffer, the slices that train, and its AdamW.
/// </summary>
internal sealed class TrainableGroup(string name, float[] values, float[] gradients, IReadOnlyList<ParameterSlice> slices, FineTuneOptions options)
{
    public string Name { get; } = name;
    public float[] Values { get; } = values;
    public float[] Gradients { get; } = gradients;
    public IReadOnlyList<ParameterSlice> Slices { get; private set; } = slices;
    public AdamW Optimizer { get; private set; } = NewOptimizer(slices, options);
    public long TrainableCount => Slices.Sum(s => (long)s.Length);

    /// <summary>Half Fine-Tuning's new round: other slices, and a fresh optimizer for them (the old moments belong to weights now frozen).</summary>
    public void Retarget(IReadOnlyList<ParameterSlice> slices, FineTuneOptions options)
    {
        Slices = slices;
        Optimizer = NewOptimizer(slices, options);
    }

    private static AdamW NewOptimizer(IReadOnlyList<ParameterSlice> slices, FineTuneOptions options) =>
        new(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, slices);
}
