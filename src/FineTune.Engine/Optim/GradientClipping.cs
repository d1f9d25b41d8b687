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
        ArgumentOutOfRangeException.ThrowIfNegative(maxNorm);
        ParameterSlice.Validate(slices, nameof(slices));
        ParameterSlice.CheckWithin(slices, gradients.Length, nameof(gradients));
        double squares = 0;
        foreach (var slice in slices)
        {
            var values = gradients.Slice(slice.Offset, slice.Length);
            for (var at = 0; at < values.Length; at += Strip)
                squares += TensorPrimitives.SumOfSquares(values.Slice(at, Math.Min(Strip, values.Length - at)));
        }
        var norm = Math.Sqrt(squares);
        if (!double.IsFinite(norm)) return (float)norm;
        var scale = (float)(maxNorm / (norm + NormGuard));
        if (scale < 1f)
            foreach (var slice in slices)
            {
                var values = gradients.Slice(slice.Offset, slice.Length);
                TensorPrimitives.Multiply(values, scale, values);
            }
        return (float)norm;
    }
}
