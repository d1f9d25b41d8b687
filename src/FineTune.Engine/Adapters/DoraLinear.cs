using System.Buffers;
using System.Numerics.Tensors;

namespace FineTune.Engine.Adapters;

/// <summary>
/// DoRA on one linear layer (Liu et al., arXiv 2402.09353): W' = m ⊙ V / ‖V‖_c with V = W0 + s·B·A,
/// y = x·W'ᵀ + bias. ‖·‖_c is the L2 norm of each OUTPUT row of the (OC, C) matrix, as PEFT takes
/// <c>linalg.norm(weight, dim=1)</c>; m holds one magnitude per output channel. Trained: m, A, B.
/// Frozen: W0 and bias.
/// </summary>
/// <remarks>
/// <para><b>The norm is DETACHED in backward.</b> Following the paper's memory-saving choice (its §4.3,
/// which PEFT also makes), ‖V‖_c is treated as a constant: no gradient flows through it into A or B.
/// The gradients here are therefore those of y with ‖V‖_c frozen at its forward value, not of the
/// full function; dm and dx are the same either way, since the norm does not depend on m or x.</para>
/// <para>The forward never applies W': per output channel, y = (m/‖V‖) ⊙ (x·W0ᵀ + s·(x·Aᵀ)·Bᵀ) + bias,
/// the LoRA product scaled by one factor per channel. V is formed only to take its norms.</para>
/// <para>No dropout: with dropout PEFT recomputes the frozen path on the dropped input, which would need
/// a second frozen product; it is left out until it is needed.</para>
/// </remarks>
public static partial class DoraLinear
{
    // w0: (OC, C), a: (r, C), b: (OC, r), norms: (OC) = ‖W0 + s·B·A‖ per output row.
    // With B = 0 this is ‖W0‖_c, the starting magnitude that makes the DoRA layer equal the base layer.
    public static void WeightNorms(Span<float> norms, ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        float scale, int inChannels, int outChannels, int rank)
    {
        AdapterShape.Require(norms.Length, outChannels, nameof(norms));
        var rented = ArrayPool<float>.Shared.Rent(w0.Length);
        try
        {
            var merged = rented.AsSpan(0, w0.Length);
            LoraLinear.Merge(w0, a, b, scale, merged, inChannels, outChannels, rank);
            for (var o = 0; o < outChannels; o++) norms[o] = TensorPrimitives.Norm(merged.Slice(o * inChannels, inChannels));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    // magnitude: (OC) = ‖W0‖_c, so that at step 0 (B = 0) the DoRA layer is exactly the base layer.
    public static void InitializeMagnitude(Span<float> magnitude, ReadOnlySpan<float> w0, int inChannels, int outChannels)
    {
        AdapterShape.Require(magnitude.Length, outChannels, nameof(magnitude));
        AdapterShape.Require(w0.Length, outChannels * inChannels, nameof(w0));
        for (var o = 0; o < outChannels; o++) magnitude[o] = TensorPrimitives.Norm(w0.Slice(o * inChannels, inChannels));
    }

    // x: (N, C), w0: (OC, C) frozen, bias: (OC) or empty, a: (r, C), b: (OC, r), magnitude: (OC), output: (N, OC).
    // Saved for Backward: xa (N, r) = x·Aᵀ; unscaled (N, OC) = x·W0ᵀ + s·xa·Bᵀ; norms (OC) = ‖V‖_c.
    public static void Forward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> magnitude, float scale,
        int inChannels, int outChannels, int rank, Span<float> xa, Span<float> unscaled, Span<float> norms)
    {
        WeightNorms(norms, w0, a, b, scale, inChannels, outChannels, rank);
        ForwardWithNorms(output, x, w0, bias, a, b, magnitude, scale, inChannels, outChannels, rank, xa, unscaled, norms);
    }

    /// <summary>
    /// <see cref="Forward"/> with ‖V‖_c given rather than computed: the function whose gradient
    /// <see cref="Backward"/> returns, with the norm held constant.
    /// </summary>
    internal static void ForwardWithNorms(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> magnitude, float scale,
        int inChannels, int outChannels, int rank, Span<float> xa, Span<float> unscaled, ReadOnlySpan<float> norms)
    {
        AdapterShape.Require(magnitude.Length, outChannels, nameof(magnitude));
        AdapterShape.Require(norms.Length, outChannels, nameof(norms));
        AdapterShape.Require(output.Length, unscaled.Length, nameof(output));
        if (!bias.IsEmpty) AdapterShape.Require(bias.Length, outChannels, nameof(bias));
        LoraLinear.Forward(unscaled, x, w0, default, a, b, scale, inChannels, outChannels, rank, xa, default);
        var rented = ArrayPool<float>.Shared.Rent(outChannels);
        try
        {
            var factor = rented.AsSpan(0, outChannels);
            TensorPrimitives.Divide(magnitude, norms, factor);
            for (var row = 0; row < unscaled.Length / outChannels; row++)
            {
                var outRow = output.Slice(row * outChannels, outChannels);
                TensorPrimitives.Multiply(unscaled.Slice(row * outChannels, outChannels), factor, outRow);
                if (!bias.IsEmpty) TensorPrimitives.Add(outRow, bias, outRow);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    // dout: (N, OC); x, w0, a, b, magnitude as passed to Forward; xa, unscaled, norms as Forward saved them.
    // With ‖V‖_c held constant (see the remarks above) and u = unscaled:
    //   dmagnitude[o] += Σ_n dout[n,o]·u[n,o] / ‖V‖_o
    //   du[n,o] = dout[n,o]·m[o] / ‖V‖_o, then dx, da, db as LoRA's backward of du.
    // W0 and bias are frozen: nothing is computed for them. Any gradient span may be empty to skip it.
    public static void Backward(Span<float> dx, Span<float> da, Span<float> db, Span<float> dmagnitude, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> magnitude,
        float scale, ReadOnlySpan<float> xa, ReadOnlySpan<float> unscaled, ReadOnlySpan<float> norms,
        int inChannels, int outChannels, int rank)
    {
        AdapterShape.Require(magnitude.Length, outChannels, nameof(magnitude));
        AdapterShape.Require(norms.Length, outChannels, nameof(norms));
        AdapterShape.Require(unscaled.Length, dout.Length, nameof(unscaled));
        if (!dmagnitude.IsEmpty) AdapterShape.Require(dmagnitude.Length, outChannels, nameof(dmagnitude));
        var n = dout.Length / outChannels;
        var rented = ArrayPool<float>.Shared.Rent(dout.Length + outChannels);
        try
        {
            var factor = rented.AsSpan(0, outChannels);
            var du = rented.AsSpan(outChannels, dout.Length);
            TensorPrimitives.Divide(magnitude, norms, factor);
            for (var row = 0; row < n; row++)
            {
                var doutRow = dout.Slice(row * outChannels, outChannels);
                TensorPrimitives.Multiply(doutRow, factor, du.Slice(row * outChannels, outChannels));
                if (dmagnitude.IsEmpty) continue;
                for (var o = 0; o < outChannels; o++) dmagnitude[o] += doutRow[o] * unscaled[row * outChannels + o] / norms[o];
            }
            LoraLinear.Backward(dx, da, db, du, x, w0, a, b, scale, xa, default, inChannels, outChannels, rank);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    // w0: (OC, C), a: (r, C), b: (OC, r), magnitude: (OC), destination: (OC, C) = m ⊙ V / ‖V‖_c.
    public static void Merge(ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> magnitude,
        float scale, Span<float> destination, int inChannels, int outChannels, int rank)
    {
        AdapterShape.Require(magnitude.Length, outChannels, nameof(magnitude));
        LoraLinear.Merge(w0, a, b, scale, destination, inChannels, outChannels, rank);
        for (var o = 0; o < outChannels; o++)
        {
            var row = destination.Slice(o * inChannels, inChannels);
            TensorPrimitives.Multiply(row, magnitude[o] / TensorPrimitives.Norm(row), row);
        }
    }
}
