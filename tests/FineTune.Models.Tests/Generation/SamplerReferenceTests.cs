using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

/// <summary>The sampler's quickselect filtering against the literal full-sort reference.</summary>
public class SamplerReferenceTests
{
    // Both sides compute exp in double; they differ only in where the temperature division and the
    // normalisation happen, a few ulps.
    private const double ProbabilityTolerance = 1e-12;
    private const int Vocab = 2000;

    public static TheoryData<string> Cases => new(OptionCases.Keys);

    private static readonly Dictionary<string, SamplingOptions> OptionCases = new()
    {
        ["plain"] = new SamplingOptions(),
        ["hot"] = new SamplingOptions { Temperature = 1.7f },
        ["top_k"] = new SamplingOptions { TopK = 40 },
        ["top_p"] = new SamplingOptions { TopP = 0.9f, Temperature = 0.7f },
        ["min_p"] = new SamplingOptions { MinP = 0.05f },
        ["top_k+top_p"] = new SamplingOptions { TopK = 100, TopP = 0.8f },
        ["all"] = new SamplingOptions { TopK = 300, TopP = 0.95f, MinP = 0.02f, Temperature = 1.3f, RepetitionPenalty = 1.3f },
        ["penalty"] = new SamplingOptions { RepetitionPenalty = 2f, TopP = 0.5f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kept_set_and_probabilities_match_the_reference(string caseName)
    {
        SamplingOptions options = OptionCases[caseName] with { Seed = 1 };
        var random = new Xoshiro256StarStar(31337);
        for (int trial = 0; trial < 5; trial++)
        {
            // Peaked enough that the filters cut somewhere in the middle; a few masked ids.
            float[] logits = new float[Vocab];
            for (int i = 0; i < Vocab; i++) logits[i] = (float)(6 * Math.Pow(random.NextDouble(), 3) - 2);
            logits[(int)(random.NextUInt64() % Vocab)] = float.NegativeInfinity;
            int[] previous = Enumerable.Range(0, 30).Select(_ => (int)(random.NextUInt64() % Vocab)).ToArray();

            double[] expected = SamplingReference.Probabilities(logits, previous, options);
            var sampler = new Sampler(options);
            sampler.Filter((float[])logits.Clone(), previous);

            double[] actual = new double[Vocab];
            double total = 0;
            foreach (double weight in sampler.KeptWeights) total += weight;
            for (int j = 0; j < sampler.KeptTokens.Length; j++) actual[sampler.KeptTokens[j]] = sampler.KeptWeights[j] / total;

            int[] expectedKept = Enumerable.Range(0, Vocab).Where(i => expected[i] > 0).ToArray();
            int[] actualKept = Enumerable.Range(0, Vocab).Where(i => actual[i] > 0).ToArray();
            Assert.Equal(expectedKept, actualKept);
            for (int i = 0; i < Vocab; i++) Assert.Equal(expected[i], actual[i], ProbabilityTolerance);
            Assert.InRange(expectedKept.Length, 1, Vocab - 1);
        }
    }

    [Fact]
    public void Greedy_reference_agrees_with_the_sampler_on_ties_and_penalty()
    {
        float[] logits = [2f, 5f, 5f, 4.9f];
        int[] previous = [1];
        var options = SamplingOptions.Greedy with { RepetitionPenalty = 1.5f };
        double[] reference = SamplingReference.Probabilities(logits, previous, options);
        int chosen = new Sampler(options).Next((float[])logits.Clone(), previous);
        Assert.Equal(2, chosen); // 5 → 3.33 for id 1; id 2 then beats 4.9
        Assert.Equal(1.0, reference[chosen]);
    }
}
