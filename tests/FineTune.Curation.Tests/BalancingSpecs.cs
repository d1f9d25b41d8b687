using FineTune.Curation.Balancing;

namespace FineTune.Curation.Tests;

public sealed class BalancingSpecs
{
    /// <summary>100 reviews, 70 positive, 20 neutral, 10 negative, interleaved as raw data has them.</summary>
    private static readonly string[] Labels = Enumerable.Range(0, 100)
        .Select(i => i % 10 < 7 ? "positive" : i % 10 < 9 ? "neutral" : "negative").ToArray();

    private static Dictionary<string, int> CountsOf(IEnumerable<int> indices) =>
        indices.GroupBy(i => Labels[i]).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void The_balance_of_a_70_20_10_split_reports_its_counts_in_label_order_and_a_ratio_of_7()
    {
        var balance = ClassBalance.Of(Labels);

        Assert.Equal(["negative", "neutral", "positive"], balance.Counts.Keys);
        Assert.Equal([10, 20, 70], balance.Counts.Values);
        Assert.Equal(100, balance.Total);
        Assert.Equal(70, balance.Majority);
        Assert.Equal(10, balance.Minority);
        Assert.Equal(7, balance.ImbalanceRatio, 12);
        Assert.Equal(0.2, balance.Share("neutral"), 12);
        Assert.Equal(0, balance.Share("sarcastic"));
    }

    [Fact]
    public void A_balance_of_no_labels_is_refused() =>
        Assert.Throws<ArgumentException>(() => ClassBalance.Of([]));

    [Theory]
    [InlineData(1.0, 70)]
    [InlineData(0.5, 35)]
    [InlineData(0.3, 21)]
    public void Oversampling_brings_every_class_to_the_target_and_keeps_every_original_first_and_in_order(double ratio, int target)
    {
        var indices = Oversampler.Oversample(Labels, ratio, seed: 5);

        Assert.Equal(Enumerable.Range(0, Labels.Length), indices.Take(Labels.Length));
        var counts = CountsOf(indices);
        Assert.Equal(70, counts["positive"]); // the majority is already above any target
        Assert.Equal(Math.Max(20, target), counts["neutral"]);
        Assert.Equal(Math.Max(10, target), counts["negative"]);
    }

    [Fact]
    public void Copies_spread_evenly_so_each_minority_example_is_repeated_as_often_as_the_others()
    {
        var copies = Oversampler.Oversample(Labels, 1.0, seed: 5).Skip(Labels.Length);

        var negativeCopies = copies.Where(i => Labels[i] == "negative").GroupBy(i => i).Select(g => g.Count()).ToList();
        Assert.Equal(10, negativeCopies.Count);
        Assert.All(negativeCopies, c => Assert.Equal(6, c)); // 60 copies over 10 examples
    }

    [Fact]
    public void Oversampling_is_the_same_for_a_seed_and_differs_for_another()
    {
        var first = Oversampler.Oversample(Labels, 0.8, seed: 9);

        Assert.Equal(first, Oversampler.Oversample(Labels, 0.8, seed: 9));
        Assert.NotEqual(first, Oversampler.Oversample(Labels, 0.8, seed: 10));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_ratio_outside_zero_to_one_is_refused_naming_the_setting(double ratio)
    {
        var error = Assert.Throws<ArgumentException>(() => Oversampler.Oversample(Labels, ratio, seed: 1));

        Assert.Contains("oversample_ratio", error.Message);
    }

    [Fact]
    public void Balanced_class_weights_of_a_70_20_10_split_follow_the_closed_form_and_equalize_each_class_total()
    {
        var weights = ClassWeights.Balanced(Labels);

        Assert.Equal(100.0 / (3 * 70), weights["positive"], 12);
        Assert.Equal(100.0 / (3 * 20), weights["neutral"], 12);
        Assert.Equal(100.0 / (3 * 10), weights["negative"], 12);
        foreach (var (label, count) in CountsOf(Enumerable.Range(0, Labels.Length)))
            Assert.Equal(100.0 / 3, weights[label] * count, 9);
    }
}
