namespace FineTune.Curation.Splitting;

/// <summary>
/// Deals train into k folds for cross-validation with the same rules as the split: duplicate groups
/// stay whole and each label is spread evenly, so no fold validates on a twin of its training data.
/// </summary>
public static class KFolds
{
    public static int[] Assign(IReadOnlyList<int> groups, IReadOnlyList<string>? labels, int k, int seed)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "K-fold needs at least 2 folds.");
        return GroupAwareSplitter.Deal(groups, labels, [.. Enumerable.Repeat(1.0 / k, k)], seed);
    }
}
