namespace FineTune.Curation.Balancing;

/// <summary>
/// Balances a labelled dataset by repeating examples of the smaller classes until each reaches a
/// share of the majority class. The originals come first and unchanged, so a caller can tell
/// copies from originals by position; copies cycle through shuffled permutations of their class,
/// so no example is repeated twice before every other one of its class was repeated once.
/// </summary>
public static class Oversampler
{
    /// <summary>Slack for a ratio × count product that lands a rounding error above a whole number (0.3 × 10).</summary>
    private const double CeilingTolerance = 1e-9;

    /// <param name="labels">Per example, its class.</param>
    /// <param name="targetRatio">Each class grows to at least ceil(targetRatio × majority count); in (0, 1].</param>
    /// <param name="seed">Seeds the choice of copies; the same seed gives the same indices.</param>
    /// <returns>Indices into <paramref name="labels"/>: every original once and in order, then the copies.</returns>
    public static IReadOnlyList<int> Oversample(IReadOnlyList<string> labels, double targetRatio, int seed)
    {
        if (!(targetRatio > 0 && targetRatio <= 1))
            throw new ArgumentException($"oversample_ratio must be greater than 0 and at most 1; got {targetRatio}.", nameof(targetRatio));
        var indices = Enumerable.Range(0, labels.Count).ToList();
        if (labels.Count == 0) return indices;
        var target = (int)Math.Ceiling(targetRatio * ClassBalance.Of(labels).Majority - CeilingTolerance);
        var random = new Random(seed);
        var classes = indices.GroupBy(i => labels[i], StringComparer.Ordinal).OrderBy(c => c.Key, StringComparer.Ordinal);
        foreach (var members in classes.Select(c => c.ToArray()))
        {
            var permutation = (int[])members.Clone();
            for (var copy = 0; copy < target - members.Length; copy++)
            {
                var position = copy % members.Length;
                if (position == 0) random.Shuffle(permutation);
                indices.Add(permutation[position]);
            }
        }
        return indices;
    }
}
