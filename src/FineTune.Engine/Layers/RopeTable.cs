namespace FineTune.Engine.Layers;

/// <summary>
/// cos and sin of every rotary angle, (maxPositions, D/2), for <see cref="Rope"/>.
/// Angle(p, i) = p · inv_freq[i]; by default inv_freq[i] = 1 / theta^(2i/D).
/// </summary>
/// <remarks>
/// Hugging Face forms inv_freq and the angle in float32 and takes cos/sin of that float angle; this
/// table rounds the same two values to float, then evaluates cos and sin in double. Keeping the
/// angle exact instead would differ from the reference by up to ulp(p)/2 — 6e-5 rad at p = 2047 —
/// which is as large as the parity tolerance.
/// </remarks>
public sealed class RopeTable
{
    readonly float[] cos, sin;
    readonly int half;

    /// <summary>The default (unscaled) Llama frequencies for head size <paramref name="headDim"/> and base <paramref name="theta"/>.</summary>
    public RopeTable(int headDim, int maxPositions, double theta)
        : this(DefaultInverseFrequencies(headDim, theta), maxPositions) { }

    /// <summary>
    /// Any frequency set, one per rotated pair (D/2 of them) — e.g. Llama 3's scaled frequencies,
    /// computed by the model loader.
    /// </summary>
    public RopeTable(ReadOnlySpan<float> inverseFrequencies, int maxPositions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inverseFrequencies.Length, 1, nameof(inverseFrequencies));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPositions, 1);
        half = inverseFrequencies.Length;
        MaxPositions = maxPositions;
        cos = new float[maxPositions * half];
        sin = new float[maxPositions * half];
        for (var p = 0; p < maxPositions; p++)
        for (var i = 0; i < half; i++)
        {
            // One float32 multiply, as Hugging Face's float32 matmul of inv_freq by position makes it.
            var angle = (double)((float)p * inverseFrequencies[i]);
            cos[p * half + i] = (float)Math.Cos(angle);
            sin[p * half + i] = (float)Math.Sin(angle);
        }
    }

    public int HeadDim => 2 * half;
    public int MaxPositions { get; }

    /// <summary>inv_freq[i] = 1 / theta^(2i/D), rounded at the steps where Hugging Face rounds to float32.</summary>
    public static float[] DefaultInverseFrequencies(int headDim, double theta)
    {
        if (headDim < 2 || headDim % 2 != 0)
            throw new ArgumentException($"Rotary head size must be even and positive; got {headDim}.", nameof(headDim));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(theta);
        var frequencies = new float[headDim / 2];
        for (var i = 0; i < frequencies.Length; i++)
        {
            var exponent = (float)(2 * i) / headDim;
            frequencies[i] = 1f / (float)Math.Pow((float)theta, exponent);
        }
        return frequencies;
    }

    internal ReadOnlySpan<float> Cos(int position) => cos.AsSpan(position * half, half);
    internal ReadOnlySpan<float> Sin(int position) => sin.AsSpan(position * half, half);
}
