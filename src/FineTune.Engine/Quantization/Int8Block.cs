namespace FineTune.Engine.Quantization;

/// <summary>
/// The 8-bit weight format for inference, in the manner of ggml's Q8_0: symmetric int8 in fixed
/// blocks of <see cref="Size"/> consecutive weights along the input dimension, each block stored as
/// its float16 scale (absmax/127) followed by its 32 codes in [-127, 127], 34 bytes for 32 weights
/// (0.2656× of fp32). Blocks rather than one scale per output channel because an outlier then
/// coarsens only its own 32 weights, and because the scale sits beside its codes, so a
/// matrix-vector kernel streams each row front to back in one pass. A float16 scale rather than a
/// float32 one keeps the format under 0.27× of fp32 (float32 scales would be 36/128 = 0.28×).
/// </summary>
public static class Int8Block
{
    /// <summary>Weights per block; a matrix's columns must be a multiple of it.</summary>
    public const int Size = 32;

    /// <summary>Bytes per block: a 2-byte float16 scale, then <see cref="Size"/> signed codes.</summary>
    public const int ByteSize = ScaleBytes + Size;

    /// <summary>The largest code magnitude; -128 is never used, so a code's negation is a code.</summary>
    public const int MaxCode = 127;

    internal const int ScaleBytes = 2;

    /// <summary>
    /// The float16 scale of a block whose largest magnitude is <paramref name="absMax"/>: absmax/127
    /// rounded up to the next float16, so no weight ever needs a code beyond ±127.
    /// </summary>
    internal static Half ScaleFor(float absMax)
    {
        var exact = absMax / MaxCode;
        var scale = (Half)exact;
        return (float)scale < exact ? Half.BitIncrement(scale) : scale;
    }

    /// <summary>The nearest code for a value already divided by its block's scale.</summary>
    internal static sbyte Code(float scaled) => (sbyte)Math.Clamp(MathF.Round(scaled), -MaxCode, MaxCode);
}
