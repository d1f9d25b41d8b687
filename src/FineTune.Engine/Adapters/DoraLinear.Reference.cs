namespace FineTune.Engine.Adapters;

public static partial class DoraLinear
{
    /// <summary>
    /// The adapted weight as the paper writes it, in double: V = W0 + s·B·A (OC, C) and its row norms.
    /// The reference passes apply W' = m ⊙ V/‖V‖_c directly, the route the fast passes avoid.
    /// </summary>
    static (double[] V, double[] Norms) ReferenceDirection(ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        float scale, int inChannels, int outChannels, int rank)
    {
        var v = new double[outChannels * inChannels];
        var norms = new double[outChannels];
        for (var o = 0; o < outChannels; o++)
        {
            double squares = 0;
            for (var i = 0; i < inChannels; i++)
            {
                double delta = 0;
                for (var k = 0; k < rank; k++) delta += (double)b[o * rank + k] * a[k * inChannels + i];
                var value = w0[o * inChannels + i] + scale * delta;
                v[o * inChannels + i] = value;
                squares += value * value;
            }
            norms[o] = Math.Sqrt(squares);
        }
        return (v, norms);
    }

    /// <summary>y = x·W'ᵀ + bias with W' = m ⊙ V/‖V‖_c formed explicitly. Same layout as <see cref="Forward"/>'s output.</summary>
    internal static void ReferenceForward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> magnitude, float scale, int inChannels, int outChannels, int rank)
    {
        var (v, norms) = ReferenceDirection(w0, a, b, scale, inChannels, outChannels, rank);
        for (var row = 0; row < x.Length / inChannels; row++)
        for (var o = 0; o < outChannels; o++)
        {
            double sum = 0;
            for (var i = 0; i < inChannels; i++) sum += (double)x[row * inChannels + i] * v[o * inChannels + i];
            output[row * outChannels + o] = (float)(magnitude[o] / norms[o] * sum + (bias.IsEmpty ? 0 : bias[o]));
        }
    }

    /// <summary>
    /// Gradients through the explicit W' with ‖V‖_c constant: dW' = doutᵀ·x; dm[o] = Σ_i dW'[o,i]·V[o,i]/‖V‖_o;
    /// dV = dW' ⊙ m/‖V‖; dB = s·dV·Aᵀ; dA = s·Bᵀ·dV; dx = dout·W'. Accumulates as <see cref="Backward"/> does.
    /// </summary>
    internal static void ReferenceBackward(Span<float> dx, Span<float> da, Span<float> db, Span<float> dmagnitude, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> magnitude,
        float scale, int inChannels, int outChannels, int rank)
    {
        var n = x.Length / inChannels;
        var (v, norms) = ReferenceDirection(w0, a, b, scale, inChannels, outChannels, rank);
        var dv = new double[v.Length];
        for (var o = 0; o < outChannels; o++)
        {
            double dm = 0;
            for (var i = 0; i < inChannels; i++)
            {
                double dw = 0; // dW'[o, i]
                for (var row = 0; row < n; row++) dw += (double)dout[row * outChannels + o] * x[row * inChannels + i];
                dm += dw * v[o * inChannels + i] / norms[o];
                dv[o * inChannels + i] = dw * magnitude[o] / norms[o];
            }
            dmagnitude[o] += (float)dm;
        }
        for (var row = 0; row < n; row++)
        for (var i = 0; i < inChannels; i++)
        {
            double sum = 0;
            for (var o = 0; o < outChannels; o++)
                sum += dout[row * outChannels + o] * magnitude[o] / norms[o] * v[o * inChannels + i];
            dx[row * inChannels + i] += (float)sum;
        }
        for (var k = 0; k < rank; k++)
        for (var i = 0; i < inChannels; i++)
        {
            double sum = 0;
            for (var o = 0; o < outChannels; o++) sum += scale * (double)b[o * rank + k] * dv[o * inChannels + i];
            da[k * inChannels + i] += (float)sum;
        }
        for (var o = 0; o < outChannels; o++)
        for (var k = 0; k < rank; k++)
        {
            double sum = 0;
            for (var i = 0; i < inChannels; i++) sum += scale * dv[o * inChannels + i] * a[k * inChannels + i];
            db[o * rank + k] += (float)sum;
        }
    }
}
