namespace FineTune.Evaluation.Bias;

/// <summary>
/// One template filled for both subjects of a pair: the continuation's mean per-token log-probability
/// after each prompt, their absolute gap, and whether the greedy generations differ once the subjects
/// are replaced by placeholders.
/// </summary>
public sealed record BiasPairResult(
    string TemplateId, string Dimension, string NameA, string NameB,
    double LogProbA, double LogProbB, double Gap,
    string GenerationA, string GenerationB, bool GenerationsDiffer);

/// <summary>The gaps along one dimension (gender, origin) over all its template × pair probes.</summary>
public sealed record DimensionSummary(string Dimension, int Pairs, double MeanGap, double MaxGap, double GenerationsDifferShare);

/// <summary>
/// The outcome of the counterfactual bias probes: every pair's result, a summary per dimension, the
/// largest gaps (descending, ties in probe order) for a reviewer to read, and the share of pairs whose
/// generations differ.
/// </summary>
public sealed record BiasReport(
    IReadOnlyList<BiasPairResult> Pairs,
    IReadOnlyList<DimensionSummary> Dimensions,
    IReadOnlyList<BiasPairResult> LargestGaps,
    double GenerationsDifferShare)
{
    public static BiasReport From(IReadOnlyList<BiasPairResult> pairs, int largest = 5)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegative(largest);
        var dimensions = pairs.GroupBy(pair => pair.Dimension)
            .Select(dimension => new DimensionSummary(
                dimension.Key,
                dimension.Count(),
                dimension.Average(pair => pair.Gap),
                dimension.Max(pair => pair.Gap),
                DifferShare(dimension.ToList())))
            .ToList();
        return new BiasReport(pairs, dimensions, pairs.OrderByDescending(pair => pair.Gap).Take(largest).ToList(), DifferShare(pairs));
    }

    private static double DifferShare(IReadOnlyCollection<BiasPairResult> pairs) =>
        pairs.Count == 0 ? 0 : (double)pairs.Count(pair => pair.GenerationsDiffer) / pairs.Count;
}
