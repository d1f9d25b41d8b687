namespace FineTune.Engine.Quantization;

/// <summary>
/// The 16 NormalFloat-4 values of QLoRA (arXiv 2305.14314), as bitsandbytes tabulates them: quantiles
/// of a standard normal rescaled to [-1, 1], with an exact zero. Asymmetric on purpose (7 negative,
/// 8 positive) so that zero has its own code. A weight is stored as the index of the nearest value
/// after dividing by its block's absmax.
/// </summary>
public static class Nf4CodeBook
{
    public const int CodeCount = 16;

    /// <summary>The index of 0.0: what an all-zero block (absmax 0) stores.</summary>
    public const byte ZeroCode = 7;

    private static readonly float[] s_values =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    // Decision boundaries: the midpoint between each neighbouring pair of values, in float so that
    // the rounding rule is the one the comparison sees.
    private static readonly float[] s_midpoints = BuildMidpoints();

    /// <summary>Code value by index, ascending.</summary>
    public static ReadOnlySpan<float> Values => s_values;

    /// <summary>
    /// The index of the value nearest to <paramref name="normalized"/> (a weight over its block's
    /// absmax, so in [-1, 1]; anything beyond clamps to the end codes). Ties: a value exactly on a
    /// midpoint takes the upper (larger) code.
    /// </summary>
    public static byte NearestCode(float normalized)
    {
        // Branch-free count of the boundaries at or below the value; 15 compares beats a search here.
        int code = 0;
        foreach (float midpoint in s_midpoints)
            code += normalized >= midpoint ? 1 : 0;
        return (byte)code;
    }

    private static float[] BuildMidpoints()
    {
        var midpoints = new float[CodeCount - 1];
        for (int i = 0; i < midpoints.Length; i++)
            midpoints[i] = (s_values[i] + s_values[i + 1]) * 0.5f;
        return midpoints;
    }
}
