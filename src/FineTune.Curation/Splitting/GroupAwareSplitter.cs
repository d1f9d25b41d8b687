namespace FineTune.Curation.Splitting;

/// <summary>
/// Splits examples into train, validation and test so that a group — a cluster of exact or near
/// duplicates — lands whole in one split (a copy in train and its twin in test would let the test
/// measure memory, not generalization), stratified by label when there are labels: within each
/// label, groups are shuffled from the seed and dealt out until each split holds its share.
/// </summary>
public static class GroupAwareSplitter
{
    /// <param name="groups">Per example, its group (examples with no duplicate get a group of their own).</param>
    /// <param name="labels">Per example, its class for stratification; null splits without strata.</param>
    public static DatasetSplit[] Split(IReadOnlyList<int> groups, IReadOnlyList<string>? labels, SplitFractions fractions, int seed)
    {
        fractions.Validate();
        return [.. Deal(groups, labels, [fractions.Train, fractions.Validation, fractions.Test], seed).Select(bin => (DatasetSplit)bin)];
    }

    /// <summary>
    /// Per example, the bin (0 … shares.Count − 1) its group was dealt to: within each stratum the
    /// groups are shuffled from the seed, and each goes to the bin furthest below its share.
    /// </summary>
    internal static int[] Deal(IReadOnlyList<int> groups, IReadOnlyList<string>? labels, IReadOnlyList<double> shares, int seed)
    {
        if (labels is not null && labels.Count != groups.Count)
            throw new ArgumentException($"{labels.Count} labels for {groups.Count} examples.", nameof(labels));
        var assignment = new int[groups.Count];
        // a group's stratum is the label of its first example, so a group is never split across strata
        var strata = Enumerable.Range(0, groups.Count).GroupBy(i => groups[i])
            .Select(g => (Group: g.ToList(), Label: labels?[g.First()] ?? ""))
            .GroupBy(g => g.Label, StringComparer.Ordinal)
            .OrderBy(s => s.Key, StringComparer.Ordinal);
        var random = new Random(seed);
        foreach (var stratum in strata)
        {
            var members = stratum.Select(s => s.Group).ToArray();
            random.Shuffle(members);
            var total = members.Sum(m => m.Count);
            var targets = shares.Select(s => s * total).ToArray();
            var filled = new double[shares.Count];
            foreach (var group in members)
            {
                var bin = Enumerable.Range(0, shares.Count).OrderByDescending(b => targets[b] == 0 ? double.MinValue : (targets[b] - filled[b]) / targets[b]).First();
                filled[bin] += group.Count;
                foreach (var i in group) assignment[i] = bin;
            }
        }
        return assignment;
    }
}
