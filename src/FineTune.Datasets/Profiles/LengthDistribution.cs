namespace FineTune.Datasets.Profiles;

/// <summary>
/// A distribution of lengths in tokens: counts in fixed power-of-two buckets (so two versions'
/// histograms line up bucket by bucket, which the population stability index needs) and summary
/// statistics. <see cref="UpperBounds"/>[i] is the exclusive upper end of bucket i; the last bucket
/// is open-ended.
/// </summary>
public sealed record LengthDistribution(
    IReadOnlyList<int> UpperBounds,
    IReadOnlyList<long> Counts,
    long Total,
    double Mean,
    int P50,
    int P90,
    int P99,
    int Max)
{
    /// <summary>1, 2, 4, … 8192 and then everything above.</summary>
    public static IReadOnlyList<int> StandardBounds { get; } = [.. Enumerable.Range(0, 14).Select(i => 1 << i), int.MaxValue];

    public static LengthDistribution Of(IEnumerable<int> lengths)
    {
        var sorted = lengths.Order().ToArray();
        var counts = new long[StandardBounds.Count];
        foreach (var length in sorted) counts[Bucket(length)]++;
        int Quantile(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new LengthDistribution(StandardBounds, counts, sorted.Length,
            sorted.Length == 0 ? 0 : sorted.Average(l => (double)l), Quantile(0.5), Quantile(0.9), Quantile(0.99),
            sorted.Length == 0 ? 0 : sorted[^1]);
    }

    /// <summary>The bucket a length falls in.</summary>
    public static int Bucket(int length)
    {
        for (var i = 0; i < StandardBounds.Count; i++)
            if (length < StandardBounds[i]) return i;
        return StandardBounds.Count - 1;
    }
}
