using System.Numerics.Tensors;
using FineTune.Engine.Layers;

namespace FineTune.Engine.Optim;

/// <summary>
/// AdamW as torch.optim.AdamW computes it, over slices of one contiguous parameter buffer; values
/// outside the listed slices (frozen weights) are never read or written, and the moments are kept
/// only for the listed values. Per element, at step t:
/// <code>
/// p ← p · (1 − lr·wd)                              (decoupled decay, decaying slices only)
/// m ← β1·m + (1 − β1)·g
/// v ← β2·v + (1 − β2)·g²
/// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
/// </code>
/// The hyperparameters are doubles, as PyTorch's Python floats are; each is rounded to float where
/// PyTorch rounds it, at its use on float tensors.
/// </summary>
public sealed unsafe class AdamW
{
    /// <summary>Elements per parallel chunk.</summary>
    const int MinChunk = 64 * 1024;
    /// <summary>Elements per vector pass inside a chunk: its temporary stays in L1.</summary>
    const int Strip = 1024;

    readonly ParameterSlice[] slices;
    float[] m, v;

    public AdamW(double learningRate, double beta1, double beta2, double eps, double weightDecay,
        IReadOnlyList<ParameterSlice> slices)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegative(eps);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        StateLength = ParameterSlice.Validate(slices, nameof(slices));
        this.slices = [.. slices];
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;
        WeightDecay = weightDecay;
        m = new float[StateLength];
        v = new float[StateLength];
    }

    /// <summary>Settable so a schedule can change it between steps.</summary>
    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
    public IReadOnlyList<ParameterSlice> Slices => slices;
    /// <summary>Steps taken; the next <see cref="Step"/> uses StepCount + 1 in its bias correction.</summary>
    public int StepCount { get; private set; }
    /// <summary>Values with optimizer state: the total length of the slices.</summary>
    public int StateLength { get; }

    /// <summary>One update of every listed slice of <paramref name="parameters"/> from the same slice of <paramref name="gradients"/>.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (gradients.Length != parameters.Length)
            throw new ArgumentException($"gradients has {gradients.Length} elements; parameters has {parameters.Length}.", nameof(gradients));
        ParameterSlice.CheckWithin(slices, parameters.Length, nameof(parameters));
        StepCount++;
        // Scalars are formed in double, as Python forms them, and rounded once.
        var biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        var biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);
        var constants = new Constants(
            Decay: (float)(1 - LearningRate * WeightDecay),
            Beta1: (float)Beta1, OneMinusBeta1: (float)(1 - Beta1),
            Beta2: (float)Beta2, OneMinusBeta2: (float)(1 - Beta2),
            StepSize: (float)(LearningRate / biasCorrection1),
            BiasCorrection2Sqrt: (float)Math.Sqrt(biasCorrection2),
            Eps: (float)Epsilon);

        var state = 0;
        fixed (float* p = parameters, g = gradients, mp = m, vp = v)
        {
            PinnedSpan paramsP = new(p, parameters.Length), gradsP = new(g, gradients.Length),
                mP = new(mp, m.Length), vP = new(vp, v.Length);
            foreach (var slice in slices)
            {
                var (offset, stateOffset, decay) = (slice.Offset, state, slice.Decay && WeightDecay != 0);
                LayerParallel.ForChunks(slice.Length, MinChunk, (start, count) =>
                    Update(paramsP.Span.Slice(offset + start, count), gradsP.Span.Slice(offset + start, count),
                        mP.Span.Slice(stateOffset + start, count), vP.Span.Slice(stateOffset + start, count), decay, constants));
                state += slice.Length;
            }
        }
    }

    /// <summary>Clears the listed slices of a gradient buffer (frozen values are never written, so need no clearing).</summary>
    public void ZeroGradients(Span<float> gradients)
    {
        ParameterSlice.CheckWithin(slices, gradients.Length, nameof(gradients));
        foreach (var slice in slices) gradients.Slice(slice.Offset, slice.Length).Clear();
    }

    /// <summary>A copy of the moments and step count, for a checkpoint.</summary>
    public AdamWState ExportState() => new((float[])m.Clone(), (float[])v.Clone(), StepCount);

    /// <summary>Restores a checkpoint taken from an optimizer over slices of the same total length.</summary>
    public void ImportState(AdamWState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.M.Length != StateLength || state.V.Length != StateLength)
            throw new ArgumentException(
                $"The state holds {state.M.Length} and {state.V.Length} moments; these slices need {StateLength}.", nameof(state));
        ArgumentOutOfRangeException.ThrowIfNegative(state.Step, nameof(state));
        m = (float[])state.M.Clone();
        v = (float[])state.V.Clone();
        StepCount = state.Step;
    }

    readonly record struct Constants(float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float StepSize, float BiasCorrection2Sqrt, float Eps);

    /// <summary>
    /// The update for one run of values, in PyTorch's order of float operations (a fused
    /// multiply-add may round once where PyTorch rounds twice: a difference of an ulp).
    /// </summary>
    static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, bool decay, Constants c)
    {
        Span<float> strip = stackalloc float[Strip];
        for (var at = 0; at < p.Length; at += Strip)
        {
            var n = Math.Min(Strip, p.Length - at);
            var ps = p.Slice(at, n);
            var gs = g.Slice(at, n);
            var ms = m.Slice(at, n);
            var vs = v.Slice(at, n);
            var tmp = strip[..n];
            if (decay) TensorPrimitives.Multiply(ps, c.Decay, ps);
            TensorPrimitives.Multiply(ms, c.Beta1, ms);
            TensorPrimitives.FusedMultiplyAdd(gs, c.OneMinusBeta1, ms, ms);
            TensorPrimitives.Multiply(gs, c.OneMinusBeta2, tmp);
            TensorPrimitives.Multiply(tmp, gs, tmp);
            TensorPrimitives.Multiply(vs, c.Beta2, vs);
            TensorPrimitives.Add(vs, tmp, vs);
            // denominator = √v / √(1 − β2ᵗ) + eps
            TensorPrimitives.Sqrt(vs, tmp);
            TensorPrimitives.Divide(tmp, c.BiasCorrection2Sqrt, tmp);
            TensorPrimitives.Add(tmp, c.Eps, tmp);
            TensorPrimitives.Divide(ms, tmp, tmp);
            TensorPrimitives.FusedMultiplyAdd(tmp, -c.StepSize, ps, ps);
        }
    }
}
