namespace FineTune.Curation.Balancing;

/// <summary>
/// Per-class loss weights that make every class weigh the same in total, the alternative to
/// oversampling when repeating examples would overfit them: a class's weight is
/// n_samples / (n_classes × its count), the "balanced" heuristic of scikit-learn.
/// </summary>
public static class ClassWeights
{
    /// <returns>A weight per label, in ordinal label order.</returns>
    public static IReadOnlyDictionary<string, double> Balanced(IReadOnlyList<string> labels)
    {
        var balance = ClassBalance.Of(labels);
        var weights = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (label, count) in balance.Counts)
            weights[label] = (double)balance.Total / (balance.Counts.Count * count);
        return weights;
    }
}
