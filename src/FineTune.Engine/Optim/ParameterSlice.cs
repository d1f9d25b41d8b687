namespace FineTune.Engine.Optim;

/// <summary>
/// A run of trainable values inside the model's one contiguous parameter buffer (and, at the same
/// offsets, its gradient buffer). <paramref name="Decay"/>: whether weight decay applies — by
/// convention matrices decay, norms and biases do not.
/// </summary>
public readonly record struct ParameterSlice(int Offset, int Length, bool Decay)
{
    internal static int Validate(IReadOnlyList<ParameterSlice> slices, string paramName)
    {
        ArgumentNullException.ThrowIfNull(slices, paramName);
        var total = 0L;
        var sorted = slices.OrderBy(s => s.Offset).ToArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            var s = sorted[i];
            if (s.Offset < 0 || s.Length < 0)
                throw new ArgumentException($"Slice {s} has a negative offset or length.", paramName);
            if (i > 0 && sorted[i - 1].Offset + sorted[i - 1].Length > s.Offset)
                throw new ArgumentException($"Slices {sorted[i - 1]} and {s} overlap.", paramName);
            total += s.Length;
        }
        return checked((int)total);
    }

    internal static void CheckWithin(IReadOnlyList<ParameterSlice> slices, int bufferLength, string paramName)
    {
        foreach (var s in slices)
            if ((long)s.Offset + s.Length > bufferLength)
                throw new ArgumentException($"Slice {s} ends past the buffer's {bufferLength} elements.", paramName);
    }
}
