using FineTune.Curation.Deduplication;
using FineTune.Curation.Splitting;

namespace FineTune.Curation.Tests;

public sealed class SplittingSpecs
{
    /// <summary>A stratum of n examples gets its share to within one group of the largest size (here 3).</summary>
    private const int ShareSlack = 3;

    private static (List<string> Texts, List<string> Labels) Reviews()
    {
        var random = new Random(11);
        string[] words = ["kettle", "lid", "handle", "boils", "fast", "slow", "leaks", "quiet", "loud", "steel", "blue", "gift", "price", "cheap",
            "sturdy", "flimsy", "switch", "light", "cord", "spout"];
        var texts = new List<string>();
        var labels = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            texts.Add(string.Join(' ', Enumerable.Range(0, 20).Select(_ => words[random.Next(words.Length)])));
            labels.Add(i % 10 < 7 ? "positive" : i % 10 < 9 ? "neutral" : "negative"); // 70/20/10
        }
        // near-duplicate copies of every twentieth review, as raw data has them
        for (var i = 0; i < 400; i += 20)
        {
            texts.Add(texts[i].ToUpperInvariant());
            labels.Add(labels[i]);
            texts.Add(texts[i] + "!");
            labels.Add(labels[i]);
        }
        return (texts, labels);
    }

    private static int[] Groups(IReadOnlyList<string> texts, NearDuplicateFinder finder)
    {
        var groups = Enumerable.Range(0, texts.Count).ToArray();
        foreach (var cluster in finder.Clusters(texts))
            foreach (var i in cluster) groups[i] = cluster[0];
        return groups;
    }

    [Fact]
    public void Duplicate_clusters_stay_in_one_split_each_label_keeps_its_share_and_the_leakage_check_passes()
    {
        var (texts, labels) = Reviews();
        var finder = new NearDuplicateFinder();
        var groups = Groups(texts, finder);

        var splits = GroupAwareSplitter.Split(groups, labels, SplitFractions.Default, seed: 3);

        foreach (var group in Enumerable.Range(0, texts.Count).GroupBy(i => groups[i]))
            Assert.Single(group.Select(i => splits[i]).Distinct());
        foreach (var label in labels.Distinct())
        {
            var members = Enumerable.Range(0, texts.Count).Where(i => labels[i] == label).ToList();
            var inTest = members.Count(i => splits[i] == DatasetSplit.Test);
            Assert.InRange(inTest, members.Count * 0.1 - ShareSlack, members.Count * 0.1 + ShareSlack);
        }
        Assert.Empty(LeakageCheck.Find(texts, splits, finder));
    }

    [Fact]
    public void Planted_leaks_across_splits_are_each_caught()
    {
        var (texts, labels) = Reviews();
        var finder = new NearDuplicateFinder();
        var splits = GroupAwareSplitter.Split(Groups(texts, finder), labels, SplitFractions.Default, seed: 3).ToList();
        // reviews with no copies of their own, so each plant makes exactly one leaking pair
        var trainIndex = Enumerable.Range(0, 400).First(i => i % 20 != 0 && splits[i] == DatasetSplit.Train);
        var testIndex = Enumerable.Range(0, 400).First(i => i % 20 != 0 && splits[i] == DatasetSplit.Test);
        // plant: an exact copy of a training review in test, and a near copy of a test review in train
        texts.Add(texts[trainIndex]);
        splits.Add(DatasetSplit.Test);
        texts.Add(texts[testIndex].ToUpperInvariant());
        splits.Add(DatasetSplit.Train);

        var leaks = LeakageCheck.Find(texts, splits, finder);

        Assert.Contains(leaks, l => l.First == trainIndex && l.Second == texts.Count - 2 && l.Similarity == 1);
        Assert.Contains(leaks, l => l.First == testIndex && l.Second == texts.Count - 1);
        Assert.Equal(2, leaks.Count);
    }

    [Fact]
    public void Fractions_that_do_not_add_up_are_refused() =>
        Assert.Throws<ArgumentException>(() => GroupAwareSplitter.Split([0, 1], null, new SplitFractions(0.8, 0.3, 0.1), seed: 1));
}
