namespace FineTune.Engine.Quantization;

/// <summary>
/// Double quantization of the per-block absmax scales (QLoRA §3): subtract the mean of all scales,
/// then store each centred scale as a signed byte in groups of <see cref="GroupSize"/>, with one fp32
/// step per group. bitsandbytes stores the centred scales with its non-linear "dynamic" 8-bit code;
/// this is a documented simplification to symmetric linear int8 (step = group's max |centred| / 127),
/// whose error the tests measure. Layout: one sbyte per block, one float per group, one float mean.
/// </summary>
public sealed class NestedScales
{
    /// <summary>Scales per second-level group, as in QLoRA.</summary>
    public const int GroupSize = 256;

    /// <summary>Largest stored magnitude: symmetric, so -128 is never used.</summary>
    public const int MaxLevel = 127;

    private readonly sbyte[] _levels;
    private readonly float[] _groupSteps;

    private NestedScales(sbyte[] levels, float[] groupSteps, float mean)
    {
        _levels = levels;
        _groupSteps = groupSteps;
        Mean = mean;
    }

    /// <summary>Number of first-level scales (blocks) stored.</summary>
    public int Count => _levels.Length;

    /// <summary>The fp32 offset subtracted from every scale before quantizing.</summary>
    public float Mean { get; }

    /// <summary>Stored bytes: one per scale, four per group step, four for the mean.</summary>
    public long ByteSize => ByteSizeFor(_levels.Length);

    public static long ByteSizeFor(int scaleCount) =>
        scaleCount + (long)sizeof(float) * GroupCount(scaleCount) + sizeof(float);

    public static int GroupCount(int scaleCount) => (scaleCount + GroupSize - 1) / GroupSize;

    /// <param name="scales">Finite fp32 absmax values, one per block.</param>
    public static NestedScales Quantize(ReadOnlySpan<float> scales)
    {
        double sum = 0;
        foreach (float scale in scales)
            sum += scale;
        // Accumulated in double so that equal scales give back exactly that scale as the mean.
        float mean = scales.Length == 0 ? 0f : (float)(sum / scales.Length);

        var levels = new sbyte[scales.Length];
        var groupSteps = new float[GroupCount(scales.Length)];
        for (int group = 0; group < groupSteps.Length; group++)
        {
            int start = group * GroupSize;
            ReadOnlySpan<float> members = scales.Slice(start, Math.Min(GroupSize, scales.Length - start));
            float largest = 0f;
            foreach (float scale in members)
                largest = MathF.Max(largest, MathF.Abs(scale - mean));
            float step = largest / MaxLevel;
            groupSteps[group] = step;
            if (step == 0f)
                continue; // every member equals the mean: level 0 reconstructs it exactly
            for (int i = 0; i < members.Length; i++)
            {
                float level = MathF.Round((members[i] - mean) / step, MidpointRounding.ToEven);
                levels[start + i] = (sbyte)Math.Clamp(level, -MaxLevel, MaxLevel);
            }
        }
        return new NestedScales(levels, groupSteps, mean);
    }

    /// <summary>
    /// The reconstructed scale of one block. Both dequantizers call this, so they multiply by the
    /// same float. May differ from the true absmax by up to half a group step.
    /// </summary>
    public float Scale(int block) => _levels[block] * _groupSteps[block / GroupSize] + Mean;

    /// <summary>The group step (one quantization level) covering a block: the scale error bound is half this.</summary>
    public float StepOf(int block) => _groupSteps[block / GroupSize];
}
