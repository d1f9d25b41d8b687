namespace FineTune.Monitoring.Analysis;

/// <summary>
/// The divergences drift is measured with, as pure functions over counts so they can be checked by
/// hand: population stability index on histograms that share bins, Jensen–Shannon divergence of two
/// categorical distributions, and the share of counts falling outside a reference's known categories.
/// </summary>
public static class DriftStatistics
{
    /// <summary>
    /// Stands in for an empty bin's proportion in the PSI (whose log term is undefined at zero), so a
    /// bin the reference never saw yields a large but finite contribution.
    /// </summary>
    public const double PsiEpsilon = 1e-4;

    /// <summary>
    /// PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over bins, with eᵢ and aᵢ the expected (reference) and actual
    /// proportions; a proportion of zero is replaced by <see cref="PsiEpsilon"/>. Null when either side
    /// has no counts.
    /// </summary>
    public static double? PopulationStabilityIndex(IReadOnlyList<long> expected, IReadOnlyList<long> actual)
    {
        if (expected.Count != actual.Count) throw new ArgumentException($"PSI needs histograms on the same bins ({expected.Count} vs {actual.Count}).", nameof(actual));
        double expectedTotal = expected.Sum(), actualTotal = actual.Sum();
        if (expectedTotal <= 0 || actualTotal <= 0) return null;
        var psi = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i] == 0 && actual[i] == 0) continue;
            var e = Math.Max(expected[i] / expectedTotal, PsiEpsilon);
            var a = Math.Max(actual[i] / actualTotal, PsiEpsilon);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    /// <summary>
    /// JS(P‖Q) = ½ KL(P‖M) + ½ KL(Q‖M) with M = ½(P + Q), in bits (log base 2), so it lies in [0, 1].
    /// <paramref name="p"/> holds probabilities; <paramref name="qCounts"/> counts normalised here. Terms
    /// with a zero probability contribute zero, so no smoothing is needed. Null when Q has no counts.
    /// </summary>
    public static double? JensenShannonDivergence(IReadOnlyList<double> p, IReadOnlyList<long> qCounts)
    {
        if (p.Count != qCounts.Count) throw new ArgumentException($"JS divergence needs the same categories ({p.Count} vs {qCounts.Count}).", nameof(qCounts));
        double qTotal = qCounts.Sum(), pTotal = p.Sum();
        if (qTotal <= 0 || pTotal <= 0) return null;
        var js = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            double pi = p[i] / pTotal, qi = qCounts[i] / qTotal, mi = (pi + qi) / 2;
            if (pi > 0) js += 0.5 * pi * Math.Log2(pi / mi);
            if (qi > 0) js += 0.5 * qi * Math.Log2(qi / mi);
        }
        return Math.Clamp(js, 0, 1);
    }

    /// <summary>The share of <paramref name="counts"/> in its last category (the reference's "other"). Null when there are none.</summary>
    public static double? ShareOfLast(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        return total <= 0 ? null : counts[^1] / total;
    }
}
