using FineTune.Monitoring.Analysis;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>The drift statistics and latency buckets against values worked out by hand.</summary>
public sealed class DriftStatisticsSpecs
{
    [Fact]
    public void Psi_of_a_half_half_reference_against_a_quarter_three_quarter_window_is_a_quarter_of_ln_3()
    {
        // (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.25·ln 2 + 0.25·ln 1.5 = 0.25·ln 3
        var psi = DriftStatistics.PopulationStabilityIndex([50, 50], [25, 75]);
        Assert.Equal(0.25 * Math.Log(3), psi!.Value, 12);
    }

    [Fact]
    public void Psi_replaces_an_empty_reference_bin_by_the_epsilon_and_skips_bins_empty_on_both_sides()
    {
        // bin 0: (0.5 − 1)·ln(0.5/1); bin 1: (0.5 − ε)·ln(0.5/ε); bin 2 empty on both sides
        var psi = DriftStatistics.PopulationStabilityIndex([100, 0, 0], [50, 50, 0]);
        var expected = 0.5 * Math.Log(2) + (0.5 - 1e-4) * Math.Log(0.5 / 1e-4);
        Assert.Equal(expected, psi!.Value, 9);
        Assert.Equal(1e-4, DriftStatistics.PsiEpsilon);
    }

    [Fact]
    public void Psi_is_zero_for_the_same_proportions_and_absent_without_counts()
    {
        Assert.Equal(0, DriftStatistics.PopulationStabilityIndex([10, 30, 60], [1, 3, 6])!.Value, 12);
        Assert.Null(DriftStatistics.PopulationStabilityIndex([10, 30], [0, 0]));
    }

    [Fact]
    public void Js_divergence_is_one_bit_for_disjoint_distributions_and_zero_for_equal_ones()
    {
        Assert.Equal(1, DriftStatistics.JensenShannonDivergence([1, 0], [0, 7])!.Value, 12);
        Assert.Equal(0, DriftStatistics.JensenShannonDivergence([0.25, 0.75], [1, 3])!.Value, 12);
    }

    [Fact]
    public void Js_divergence_of_an_even_coin_against_a_certain_one_matches_the_hand_computed_value()
    {
        // M = (0.75, 0.25); ½·[0.5·log2(0.5/0.75) + 0.5·log2(0.5/0.25)] + ½·log2(1/0.75)
        var expected = 0.5 * (0.5 * Math.Log2(2.0 / 3) + 0.5) + 0.5 * Math.Log2(4.0 / 3);
        Assert.Equal(expected, DriftStatistics.JensenShannonDivergence([0.5, 0.5], [9, 0])!.Value, 12);
    }

    [Fact]
    public void The_unseen_rate_is_the_share_of_the_last_category()
    {
        Assert.Equal(0.25, DriftStatistics.ShareOfLast([2, 1, 1])!.Value, 12);
        Assert.Null(DriftStatistics.ShareOfLast([0, 0]));
    }

    [Fact]
    public void Latency_buckets_count_exactly_what_is_slower_than_two_seconds()
    {
        var counts = new long[LatencyBuckets.Count];
        foreach (var ms in new[] { 5.0, 1999, 2000, 2000.5, 9000, 500_000 }) counts[LatencyBuckets.Bucket(ms)]++;
        Assert.Equal(3, LatencyBuckets.SlowerThan(counts, 2000));
    }

    [Fact]
    public void A_latency_quantile_lies_within_one_bucket_of_the_true_value()
    {
        var counts = new long[LatencyBuckets.Count];
        for (var ms = 1; ms <= 1000; ms++) counts[LatencyBuckets.Bucket(ms)]++;
        var p95 = LatencyBuckets.Quantile(counts, 0.95)!.Value;
        Assert.InRange(p95, 950 / 1.19, 950 * 1.19);
        Assert.Null(LatencyBuckets.Quantile(new long[LatencyBuckets.Count], 0.5));
    }
}
