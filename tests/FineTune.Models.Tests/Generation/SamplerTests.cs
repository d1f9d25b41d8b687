using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

public class SamplerTests
{
    // χ² critical value for 3 degrees of freedom at α = 0.001: a correct sampler exceeds it one seed in a thousand.
    private const double ChiSquareCritical3DofAlpha001 = 16.266;
    private const int DistributionDraws = 20_000;

    private static float[] LogitsOf(params double[] probabilities) =>
        probabilities.Select(p => (float)(Math.Log(p) + 3.0)).ToArray(); // +3: softmax ignores a common shift

    private static int[] Draws(Sampler sampler, float[] logits, int count, ReadOnlySpan<int> previous = default)
    {
        var draws = new int[count];
        for (int i = 0; i < count; i++) draws[i] = sampler.Next((float[])logits.Clone(), previous);
        return draws;
    }

    private static int[] KeptAfterFilter(SamplingOptions options, float[] logits)
    {
        var sampler = new Sampler(options with { Seed = 1 });
        sampler.Filter((float[])logits.Clone(), []);
        return sampler.KeptTokens.ToArray().Order().ToArray();
    }

    [Fact]
    public void Greedy_picks_the_largest_logit()
    {
        var sampler = new Sampler(SamplingOptions.Greedy);
        Assert.Equal(1, sampler.Next([0.1f, 2.5f, -1f, 2.4f], []));
    }

    [Fact]
    public void Greedy_breaks_ties_towards_the_lowest_id()
    {
        var sampler = new Sampler(SamplingOptions.Greedy);
        Assert.Equal(1, sampler.Next([1f, 3f, 0f, 3f, 3f], []));
        Assert.Equal(0, sampler.Next([-2f, -2f], []));
    }

    [Fact]
    public void Vanishing_temperature_gives_the_greedy_choice()
    {
        // A shuffled ladder of logits 0.05 apart: at T = 1e-3 the runner-up weighs e^-50 ≈ 2e-22.
        var random = new Xoshiro256StarStar(7);
        float[] logits = Enumerable.Range(0, 1000).Select(i => 0.05f * i).OrderBy(_ => random.NextUInt64()).ToArray();
        int greedy = new Sampler(SamplingOptions.Greedy).Next((float[])logits.Clone(), []);
        Assert.Equal(999 * 0.05f, logits[greedy]);
        foreach (float temperature in new[] { 1e-3f, 1e-4f, 1e-6f })
        {
            var sampler = new Sampler(new SamplingOptions { Temperature = temperature, Seed = 3 });
            Assert.All(Draws(sampler, logits, 200), token => Assert.Equal(greedy, token));
        }
    }

    [Fact]
    public void The_same_seed_repeats_the_draws_and_another_seed_or_sequence_does_not()
    {
        float[] flat = new float[100];
        int[] first = Draws(new Sampler(new SamplingOptions { Seed = 42 }), flat, 200);
        int[] again = Draws(new Sampler(new SamplingOptions { Seed = 42 }), flat, 200);
        int[] otherSeed = Draws(new Sampler(new SamplingOptions { Seed = 43 }), flat, 200);
        int[] otherSequence = Draws(new Sampler(new SamplingOptions { Seed = 42 }, sequenceIndex: 1), flat, 200);
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.NotEqual(first, otherSequence);
    }

    [Fact]
    public void Without_a_seed_a_fresh_one_is_drawn_and_reported()
    {
        var a = new Sampler(new SamplingOptions());
        var b = new Sampler(new SamplingOptions());
        Assert.NotEqual(a.Seed, b.Seed);
        float[] flat = new float[100];
        Assert.Equal(Draws(a, flat, 50), Draws(new Sampler(new SamplingOptions { Seed = a.Seed }), flat, 50));
    }

    [Theory]
    [InlineData(1.0f)]
    [InlineData(2.0f)]
    [InlineData(0.5f)]
    public void Draws_follow_the_tempered_softmax(float temperature)
    {
        double[] probabilities = [0.4, 0.3, 0.2, 0.1];
        double[] tempered = probabilities.Select(p => Math.Pow(p, 1 / temperature)).ToArray();
        double norm = tempered.Sum();
        double[] expected = tempered.Select(t => t / norm).ToArray();

        var sampler = new Sampler(new SamplingOptions { Temperature = temperature, Seed = 2024 });
        var counts = new int[4];
        foreach (int token in Draws(sampler, LogitsOf(probabilities), DistributionDraws)) counts[token]++;

        double chiSquare = 0;
        for (int i = 0; i < 4; i++)
        {
            double expectedCount = expected[i] * DistributionDraws;
            chiSquare += (counts[i] - expectedCount) * (counts[i] - expectedCount) / expectedCount;
        }
        Assert.True(chiSquare < ChiSquareCritical3DofAlpha001, $"χ² = {chiSquare:F2}, counts {string.Join(",", counts)}");
    }

    [Fact]
    public void Top_k_keeps_exactly_the_k_largest_and_never_draws_outside_them()
    {
        float[] logits = [0.3f, 2.0f, -1f, 1.5f, 0.9f, 1.8f, 0.0f, -0.2f, 0.5f, 1.0f];
        var options = new SamplingOptions { TopK = 3, Seed = 5 };
        Assert.Equal([1, 3, 5], KeptAfterFilter(options, logits));

        int[] draws = Draws(new Sampler(options), logits, 3000);
        Assert.All(draws, token => Assert.Contains(token, new[] { 1, 3, 5 }));
        Assert.Equal([1, 3, 5], draws.Distinct().Order().ToArray());
    }

    [Fact]
    public void Top_k_among_equal_logits_keeps_the_lowest_ids()
    {
        Assert.Equal([0, 1], KeptAfterFilter(new SamplingOptions { TopK = 2 }, [1f, 1f, 1f, 1f, 0f]));
    }

    [Fact]
    public void Top_k_at_or_above_the_vocabulary_keeps_everything()
    {
        Assert.Equal([0, 1, 2], KeptAfterFilter(new SamplingOptions { TopK = 3 }, [0f, 1f, 2f]));
        Assert.Equal([0, 1, 2], KeptAfterFilter(new SamplingOptions { TopK = 50 }, [0f, 1f, 2f]));
    }

    [Theory]
    [InlineData(0.45f, new[] { 0 })]          // 0.5 already reaches 0.45
    [InlineData(0.75f, new[] { 0, 1 })]       // 0.5 < 0.75 ≤ 0.8
    [InlineData(0.81f, new[] { 0, 1, 2 })]    // 0.8 < 0.81 ≤ 0.95
    [InlineData(0.96f, new[] { 0, 1, 2, 3 })] // needs the last one
    [InlineData(1.0f, new[] { 0, 1, 2, 3 })]  // off
    public void Top_p_keeps_the_smallest_set_reaching_p(float topP, int[] expected)
    {
        // Vocabulary order shuffled so "most likely first" is not the id order.
        float[] logits = LogitsOf(0.15, 0.5, 0.05, 0.3);
        int[] idOf = [1, 3, 0, 2]; // by probability rank
        Assert.Equal(expected.Select(rank => idOf[rank]).Order().ToArray(), KeptAfterFilter(new SamplingOptions { TopP = topP }, logits));
    }

    [Fact]
    public void Top_p_with_one_dominant_token_keeps_only_it()
    {
        float[] logits = [0f, 0f, 12f, 0f]; // p(2) = e^12 / (e^12 + 3) ≈ 0.99998
        Assert.Equal([2], KeptAfterFilter(new SamplingOptions { TopP = 0.9f }, logits));
        Assert.Equal([2], KeptAfterFilter(new SamplingOptions { TopP = 0.99f }, logits));
        Assert.All(Draws(new Sampler(new SamplingOptions { TopP = 0.99f, Seed = 9 }), logits, 500), t => Assert.Equal(2, t));
    }

    [Fact]
    public void Top_p_is_measured_on_what_top_k_left()
    {
        // p = (0.4, 0.3, 0.2, 0.1). Top-k 2 renormalises to (4/7, 3/7); 4/7 ≥ 0.55 keeps only the first.
        // Applying top-p to the full distribution first would have kept two (0.4 < 0.55).
        float[] logits = LogitsOf(0.4, 0.3, 0.2, 0.1);
        Assert.Equal([0], KeptAfterFilter(new SamplingOptions { TopK = 2, TopP = 0.55f }, logits));
        Assert.Equal([0, 1], KeptAfterFilter(new SamplingOptions { TopK = 2, TopP = 0.6f }, logits));
    }

    [Theory]
    [InlineData(0.2f, new[] { 0, 1, 2 })] // threshold 0.1: drops 0.05
    [InlineData(0.5f, new[] { 0, 1 })]    // threshold 0.25
    [InlineData(0.9f, new[] { 0 })]       // threshold 0.45
    [InlineData(0f, new[] { 0, 1, 2, 3 })]
    public void Min_p_drops_tokens_below_a_fraction_of_the_top_probability(float minP, int[] expected)
    {
        Assert.Equal(expected, KeptAfterFilter(new SamplingOptions { MinP = minP }, LogitsOf(0.5, 0.3, 0.15, 0.05)));
    }

    [Fact]
    public void Kept_tokens_are_drawn_in_proportion_to_their_renormalised_probabilities()
    {
        // Top-k 2 of (0.4, 0.3, 0.2, 0.1) → (4/7, 3/7).
        var sampler = new Sampler(new SamplingOptions { TopK = 2, Seed = 77 });
        int[] draws = Draws(sampler, LogitsOf(0.4, 0.3, 0.2, 0.1), DistributionDraws);
        double share0 = draws.Count(t => t == 0) / (double)DistributionDraws;
        // 5 standard deviations of a proportion near 4/7 over 20k draws ≈ 0.0175
        const double ShareTolerance = 0.0175;
        Assert.InRange(share0, 4.0 / 7 - ShareTolerance, 4.0 / 7 + ShareTolerance);
        Assert.DoesNotContain(draws, t => t >= 2);
    }

    [Fact]
    public void Minus_infinity_logits_are_never_drawn()
    {
        float[] logits = [float.NegativeInfinity, 0f, float.NegativeInfinity, 0f];
        foreach (var options in new[] { new SamplingOptions { Seed = 1 }, new SamplingOptions { TopP = 0.99f, Seed = 1 }, new SamplingOptions { TopK = 3, Seed = 1 } })
            Assert.All(Draws(new Sampler(options), logits, 300), t => Assert.True(t is 1 or 3));
        Assert.Equal([1, 3], KeptAfterFilter(new SamplingOptions { TopK = 3 }, logits));
    }

    [Fact]
    public void Repetition_penalty_changes_the_greedy_choice_both_ways()
    {
        var penalty = new SamplingOptions { Temperature = 0, RepetitionPenalty = 1.5f };
        // positive logit 3 → 2 falls below 2.9
        Assert.Equal(1, new Sampler(penalty).Next([3f, 2.9f], [0]));
        // negative logit -1 → -1.5 falls below -1.2
        Assert.Equal(1, new Sampler(penalty).Next([-1f, -1.2f], [0]));
        // a penalty below 1 favours repeats
        Assert.Equal(0, new Sampler(penalty with { RepetitionPenalty = 0.5f }).Next([1f, 1.9f], [0]));
    }

    [Fact]
    public void Bad_logits_and_ids_are_reported()
    {
        var sampler = new Sampler(new SamplingOptions { Seed = 1, RepetitionPenalty = 1.1f });
        Assert.Contains("logit 1 is NaN", Assert.Throws<ArgumentException>(() => sampler.Next([0f, float.NaN], [])).Message);
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => sampler.Next([float.PositiveInfinity, 0f], [])).Message);
        Assert.Contains("-infinity", Assert.Throws<ArgumentException>(() => sampler.Next([float.NegativeInfinity, float.NegativeInfinity], [])).Message);
        Assert.Throws<ArgumentException>(() => sampler.Next([], []));
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Next([0f, 1f], [0, 5]));
        Assert.Contains("previous token 5 at position 1", outside.Message);
    }

    [Fact]
    public void Steady_state_calls_allocate_nothing()
    {
        var random = new Xoshiro256StarStar(11);
        float[] source = Enumerable.Range(0, 4096).Select(_ => (float)(random.NextDouble() * 8)).ToArray();
        float[] logits = new float[source.Length];
        int[] previous = [1, 2, 3, 99, 2];
        foreach (var options in new[]
        {
            new SamplingOptions { Seed = 1 },
            new SamplingOptions { Seed = 1, TopK = 40, TopP = 0.9f, RepetitionPenalty = 1.2f },
            new SamplingOptions { Seed = 1, TopP = 0.95f, MinP = 0.05f },
            new SamplingOptions { Temperature = 0, RepetitionPenalty = 1.2f },
        })
        {
            var sampler = new Sampler(options);
            // sizes the buffers, and runs long enough for tiered compilation to settle: a method promoted
            // mid-measurement most likely explains the one run, under load, that counted 6,968 bytes here
            for (int i = 0; i < 200; i++)
            {
                source.CopyTo(logits, 0);
                sampler.Next(logits, previous);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                source.CopyTo(logits, 0);
                sampler.Next(logits, previous);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
