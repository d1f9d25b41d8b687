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
        if (labels is not null && labels.Count != groups.Count)
            throw new ArgumentException($"{labels.Count} labels for {groups.Count} examples.", nameof(labels));
        var assignment = new DatasetSplit[groups.Count];
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
            double[] targets = [fractions.Train * total, fractions.Validation * total, fractions.Test * total];
            var filled = new double[3];
            foreach (var group in members)
            {
                // the split furthest below its share takes the group
                var split = Enumerable.Range(0, 3).OrderByDescending(s => targets[s] == 0 ? double.MinValue : (targets[s] - filled[s]) / targets[s]).First();
                filled[split] += group.Count;
                foreach (var i in group) assignment[i] = (DatasetSplit)split;
            }
        }
        return assignment;
    }
}
