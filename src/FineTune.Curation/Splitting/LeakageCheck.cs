using FineTune.Curation.Deduplication;

namespace FineTune.Curation.Splitting;

/// <summary>A pair of examples, in different splits, that are the same or nearly the same text.</summary>
public sealed record Leak(int First, DatasetSplit FirstSplit, int Second, DatasetSplit SecondSplit, double Similarity);

/// <summary>
/// Finds every exact or near-duplicate pair that crosses splits; curation fails when there is any.
/// It re-derives the duplicates from the texts rather than trusting the splitter's groups, so a bug in
/// grouping or a hand-edited split is caught too.
/// </summary>
public static class LeakageCheck
{
    public static IReadOnlyList<Leak> Find(IReadOnlyList<string> texts, IReadOnlyList<DatasetSplit> splits, NearDuplicateFinder finder)
    {
        if (texts.Count != splits.Count) throw new ArgumentException($"{splits.Count} split assignments for {texts.Count} texts.", nameof(splits));
        var leaks = new List<Leak>();
        foreach (var cluster in finder.Clusters(texts))
            for (var a = 0; a < cluster.Count; a++)
                for (var b = a + 1; b < cluster.Count; b++)
                {
                    var (i, j) = (cluster[a], cluster[b]);
                    if (splits[i] != splits[j]) leaks.Add(new Leak(i, splits[i], j, splits[j], NearDuplicateFinder.Jaccard(texts[i], texts[j])));
                }
        return leaks;
    }
}
