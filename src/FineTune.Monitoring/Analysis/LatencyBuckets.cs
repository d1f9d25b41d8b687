namespace FineTune.Monitoring.Analysis;

/// <summary>
/// Fixed logarithmic latency buckets: four per doubling (each about 19% wide, the resolution of the
/// percentiles read from them), anchored so that 2000 ms — the default p95 target — is a bucket
/// bound and "slower than the target" is counted exactly. Bucket i holds latencies in
/// (bound[i−1], bound[i]]; the first also holds everything below, the last everything above 128 s.
/// </summary>
public static class LatencyBuckets
{
    private const double Anchor = 2000;
    private const int PerDoubling = 4;
    private const int BelowAnchor = 44; // down to ~1 ms
    private const int AboveAnchor = 24; // up to 128 s

    /// <summary>The inclusive upper bound of each bucket but the last, which is open-ended.</summary>
    public static IReadOnlyList<double> UpperBounds { get; } =
        [.. Enumerable.Range(-BelowAnchor, BelowAnchor + AboveAnchor + 1).Select(k => Anchor * Math.Pow(2, (double)k / PerDoubling))];

    public static int Count => UpperBounds.Count + 1;

    public static int Bucket(double latencyMs)
    {
        if (!(latencyMs > UpperBounds[0])) return 0; // NaN and negatives too
        var k = (int)Math.Ceiling(Math.Round(PerDoubling * Math.Log2(latencyMs / Anchor), 9));
        return Math.Clamp(k + BelowAnchor, 0, Count - 1);
    }

    /// <summary>How many latencies exceed <paramref name="targetMs"/>, the target rounded to the nearest bucket bound.</summary>
    public static long SlowerThan(IReadOnlyList<long> counts, double targetMs)
    {
        var first = Bucket(targetMs);
        if (first < UpperBounds.Count && first > 0 && targetMs - UpperBounds[first - 1] < UpperBounds[first] - targetMs) first--;
        long slow = 0;
        for (var i = first + 1; i < counts.Count; i++) slow += counts[i];
        return slow;
    }

    /// <summary>
    /// The <paramref name="q"/> quantile, interpolated geometrically inside its bucket (the open last
    /// bucket answers its lower bound). Null when there are no counts.
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> counts, double q)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        if (total == 0) return null;
        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] == 0 || seen + counts[i] < rank) { seen += counts[i]; continue; }
            if (i >= UpperBounds.Count) return UpperBounds[^1];
            var upper = UpperBounds[i];
            var lower = i == 0 ? upper / 2 : UpperBounds[i - 1];
            var fraction = Math.Clamp((rank - seen) / counts[i], 0, 1);
            return lower * Math.Pow(upper / lower, fraction);
        }
        return UpperBounds[^1];
    }
}
