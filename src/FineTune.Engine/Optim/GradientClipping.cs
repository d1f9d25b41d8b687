using System.Numerics.Tensors;

namespace FineTune.Engine.Optim;

/// <summary>
/// torch.nn.utils.clip_grad_norm_: scale all gradients together so their global L2 norm is at
/// most maxNorm, by maxNorm / (norm + 1e-6) when that factor is below 1.
/// </summary>
public static class GradientClipping
{
    /// <summary>Elements summed in float before the running total moves to double.</summary>
    const int Strip = 4096;
    /// <summary>The guard PyTorch adds to the norm before dividing.</summary>
    const double NormGuard = 1e-6;

    /// <summary>Clips the whole buffer; returns the norm before clipping.</summary>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm) =>
        ClipByGlobalNorm(gradients, [new ParameterSlice(0, gradients.Length, false)], maxNorm);

    /// <summary>
    /// Clips the listed slices as one vector; returns their norm before clipping. A NaN or infinite
    /// norm leaves the gradients as they are (PyTorch would turn them all into NaN), so the caller
    /// can see it and skip the step.
    /// </summary>
    public static float ClipByGlobalNorm(Span<float> gradients, IReadOnlyList<ParameterSlice> slices, float maxNorm)
    {
        var norm = Math.Sqrt(SumOfSquares(gradients, slices));
        Scale(gradients, slices, ClipFactor(norm, maxNorm));
        return (float)norm;
    }

    /// <summary>Σ g² over the listed slices, summed in float per strip and in double across strips.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> gradients, IReadOnlyList<ParameterSlice> slices)
    {
        ParameterSlice.Validate(slices, nameof(slices));
        ParameterSlice.CheckWithin(slices, gradients.Length, nameof(gradients));
        double squares = 0;
        foreach (var slice in slices)
        {
            var values = gradients.Slice(slice.Offset, slice.Length);
            for (var at = 0; at < values.Length; at += Strip)
                squares += TensorPrimitives.SumOfSquares(values.Slice(at, Math.Min(Strip, values.Length - at)));
        }
        return squares;
    }

    /// <summary>
    /// The factor that brings a global <paramref name="norm"/> down to <paramref name="maxNorm"/>, or 1
    /// when it is within it — and 1 for a NaN or infinite norm, which the caller must see and handle.
    /// Several buffers clipped as one vector (a model's and a head's) share one factor.
    /// </summary>
    public static float ClipFactor(double norm, float maxNorm)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNorm);
        if (!double.IsFinite(norm)) return 1f;
        return Math.Min(1f, (float)(maxNorm / (norm + NormGuard)));
    }

    public static void Scale(Span<float> gradients, IReadOnlyList<ParameterSlice> slices, float factor)
    {
        if (factor >= 1f) return;
        foreach (var slice in slices)
        {
            var values = gradients.Slice(slice.Offset, slice.Length);
            TensorPrimitives.Multiply(values, factor, values);
        }
    }
}
