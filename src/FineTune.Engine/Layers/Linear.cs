using System.Numerics.Tensors;
using FineTune.Engine.Kernels;

namespace FineTune.Engine.Layers;

/// <summary>
/// A fully connected layer, out = x·Wᵀ + bias, with W stored (OC, C) as PyTorch stores it.
/// Every gradient whose span is empty is skipped: a frozen weight costs no weight-gradient product,
/// which is what makes adapter fine-tuning cheap.
/// </summary>
public static class Linear
{
    // x: (N, C), weight: (OC, C), bias: (OC) or empty, output: (N, OC)
    public static void Forward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int inChannels, int outChannels)
    {
        var n = CheckShape(x.Length, weight.Length, inChannels, outChannels);
        Require(output.Length, n * outChannels, nameof(output));
        if (!bias.IsEmpty) Require(bias.Length, outChannels, nameof(bias));
        // Start each row from the bias and let the product add onto it (beta = 1).
        for (var row = 0; row < n && !bias.IsEmpty; row++) bias.CopyTo(output.Slice(row * outChannels, outChannels));
        Gemm.Sgemm(Transpose.No, Transpose.Yes, n, outChannels, inChannels,
            1f, x, inChannels, weight, inChannels, bias.IsEmpty ? 0f : 1f, output, outChannels);
    }

    // dout: (N, OC), x: (N, C), weight: (OC, C).
    // dx (N, C) += dout·W; dweight (OC, C) += doutᵀ·x; dbias (OC) += Σ_n dout. Each skipped when empty.
    public static void Backward(Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels)
    {
        var n = CheckShape(x.Length, weight.Length, inChannels, outChannels);
        Require(dout.Length, n * outChannels, nameof(dout));
        if (!dx.IsEmpty)
        {
            Require(dx.Length, x.Length, nameof(dx));
            Gemm.Sgemm(Transpose.No, Transpose.No, n, inChannels, outChannels,
                1f, dout, outChannels, weight, inChannels, 1f, dx, inChannels);
        }
        if (!dweight.IsEmpty)
        {
            Require(dweight.Length, weight.Length, nameof(dweight));
            Gemm.Sgemm(Transpose.Yes, Transpose.No, outChannels, inChannels, n,
                1f, dout, outChannels, x, inChannels, 1f, dweight, inChannels);
        }
        if (!dbias.IsEmpty)
        {
            Require(dbias.Length, outChannels, nameof(dbias));
            for (var row = 0; row < n; row++) TensorPrimitives.Add(dbias, dout.Slice(row * outChannels, outChannels), dbias);
        }
    }

    /// <summary>The plain loops the BLAS-backed passes are tested against; sums in double.</summary>
    internal static void ReferenceForward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int inChannels, int outChannels)
    {
        for (var row = 0; row < x.Length / inChannels; row++)
        for (var o = 0; o < outChannels; o++)
        {
            double sum = bias.IsEmpty ? 0 : bias[o];
            for (var i = 0; i < inChannels; i++) sum += (double)x[row * inChannels + i] * weight[o * inChannels + i];
            output[row * outChannels + o] = (float)sum;
        }
    }

    internal static void ReferenceBackward(Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels)
    {
        var n = x.Length / inChannels;
        for (var row = 0; row < n && !dx.IsEmpty; row++)
        for (var i = 0; i < inChannels; i++)
        {
            double sum = 0;
            for (var o = 0; o < outChannels; o++) sum += (double)dout[row * outChannels + o] * weight[o * inChannels + i];
            dx[row * inChannels + i] += (float)sum;
        }
        for (var o = 0; o < outChannels; o++)
        {
            double biasSum = 0;
            for (var row = 0; row < n; row++) biasSum += dout[row * outChannels + o];
            if (!dbias.IsEmpty) dbias[o] += (float)biasSum;
            for (var i = 0; i < inChannels && !dweight.IsEmpty; i++)
            {
                double sum = 0;
                for (var row = 0; row < n; row++) sum += (double)dout[row * outChannels + o] * x[row * inChannels + i];
                dweight[o * inChannels + i] += (float)sum;
            }
        }
    }

    static int CheckShape(int x, int weight, int inChannels, int outChannels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        Require(weight, outChannels * inChannels, nameof(weight));
        if (x % inChannels != 0) throw new ArgumentException($"x has {x} elements, not whole rows of {inChannels}.", nameof(x));
        return x / inChannels;
    }

    static void Require(int actual, int expected, string name)
    {
        if (actual != expected) throw new ArgumentException($"{name} has {actual} elements; expected {expected}.", name);
    }
}
