namespace FineTune.Engine.Adapters;

public static partial class LoraLinear
{
    /// <summary>
    /// The plain loops the BLAS-backed passes are tested against, in double: it forms the merged
    /// weight W0 + s·B·A for the clean input and adds nothing else, so it checks the factored product
    /// by a different route. Same layout as <see cref="Forward"/>; writes xa too.
    /// </summary>
    internal static void ReferenceForward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale, int inChannels, int outChannels, int rank,
        Span<float> xa, ReadOnlySpan<float> dropoutMask)
    {
        var n = x.Length / inChannels;
        var dropped = ReferenceMask(dropoutMask, x.Length);
        for (var i = 0; i < dropped.Length; i++) dropped[i] *= x[i];
        for (var row = 0; row < n; row++)
        {
            for (var k = 0; k < rank; k++)
            {
                double sum = 0;
                for (var i = 0; i < inChannels; i++) sum += dropped[row * inChannels + i] * a[k * inChannels + i];
                xa[row * rank + k] = (float)sum;
            }
            for (var o = 0; o < outChannels; o++)
            {
                double sum = bias.IsEmpty ? 0 : bias[o];
                for (var i = 0; i < inChannels; i++)
                {
                    double delta = 0; // (B·A)[o, i]
                    for (var k = 0; k < rank; k++) delta += (double)b[o * rank + k] * a[k * inChannels + i];
                    sum += (double)x[row * inChannels + i] * w0[o * inChannels + i] + scale * delta * dropped[row * inChannels + i];
                }
                output[row * outChannels + o] = (float)sum;
            }
        }
    }

    /// <summary>
    /// Gradients element by element from the chain rule of y[n,o] = Σ_i x·W0[o,i] + s·Σ_k B[o,k]·Σ_i A[k,i]·x̃[n,i],
    /// with x̃ = x ⊙ mask. Same layout and accumulation as <see cref="Backward"/>.
    /// </summary>
    internal static void ReferenceBackward(Span<float> dx, Span<float> da, Span<float> db, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale,
        ReadOnlySpan<float> dropoutMask, int inChannels, int outChannels, int rank)
    {
        var n = x.Length / inChannels;
        var mask = ReferenceMask(dropoutMask, x.Length);
        for (var row = 0; row < n; row++)
        for (var i = 0; i < inChannels; i++)
        {
            double sum = 0;
            for (var o = 0; o < outChannels; o++)
            {
                double delta = 0;
                for (var k = 0; k < rank; k++) delta += (double)b[o * rank + k] * a[k * inChannels + i];
                sum += dout[row * outChannels + o] * (w0[o * inChannels + i] + scale * delta * mask[row * inChannels + i]);
            }
            dx[row * inChannels + i] += (float)sum;
        }
        for (var k = 0; k < rank; k++)
        for (var i = 0; i < inChannels; i++)
        {
            double sum = 0;
            for (var row = 0; row < n; row++)
            for (var o = 0; o < outChannels; o++)
                sum += scale * (double)dout[row * outChannels + o] * b[o * rank + k] * x[row * inChannels + i] * mask[row * inChannels + i];
            da[k * inChannels + i] += (float)sum;
        }
        for (var o = 0; o < outChannels; o++)
        for (var k = 0; k < rank; k++)
        {
            double sum = 0;
            for (var row = 0; row < n; row++)
            for (var i = 0; i < inChannels; i++)
                sum += scale * (double)dout[row * outChannels + o] * a[k * inChannels + i] * x[row * inChannels + i] * mask[row * inChannels + i];
            db[o * rank + k] += (float)sum;
        }
    }

    /// <summary>The dropout mask in double, all ones when there is none.</summary>
    static double[] ReferenceMask(ReadOnlySpan<float> dropoutMask, int length)
    {
        var mask = new double[length];
        for (var i = 0; i < length; i++) mask[i] = dropoutMask.IsEmpty ? 1 : dropoutMask[i];
        return mask;
    }
}
