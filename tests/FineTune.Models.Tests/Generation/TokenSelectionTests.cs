using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

public class TokenSelectionTests
{
    // Inputs quickselect handles worst when its pivot choice is naive, plus ties and masked ids.
    public static TheoryData<string> Shapes => new() { "random", "ascending", "descending", "few values", "all equal" };

    private static float[] Logits(string shape, int vocab, Xoshiro256StarStar random) => shape switch
    {
        "random" => Enumerable.Range(0, vocab).Select(_ => (float)(random.NextDouble() * 10 - 5)).ToArray(),
        "ascending" => Enumerable.Range(0, vocab).Select(i => i * 0.01f).ToArray(),
        "descending" => Enumerable.Range(0, vocab).Select(i => -i * 0.01f).ToArray(),
        "few values" => Enumerable.Range(0, vocab).Select(_ => (float)(random.NextUInt64() % 4)).ToArray(),
        "all equal" => new float[vocab],
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    // Callers pass ids in any order; shuffling makes tie-breaking depend on the code, not the input.
    private static int[] Shuffled(int vocab, Xoshiro256StarStar random) =>
        Enumerable.Range(0, vocab).OrderBy(_ => random.NextUInt64()).ToArray();

    private static int[] SortedOrder(float[] logits) =>
        Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).ToArray();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SelectBest_puts_exactly_the_k_best_first(string shape)
    {
        var random = new Xoshiro256StarStar(404);
        foreach (int vocab in new[] { 1, 2, 3, 10, 257 })
        {
            float[] logits = Logits(shape, vocab, random);
            int[] sorted = SortedOrder(logits);
            foreach (int k in new[] { 1, 2, vocab / 2, vocab - 1, vocab })
            {
                if (k < 1 || k > vocab) continue;
                int[] ids = Shuffled(vocab, random);
                TokenSelection.SelectBest(ids, k, logits);
                Assert.Equal(sorted[..k].Order(), ids[..k].Order());
                Assert.Equal(Enumerable.Range(0, vocab), ids.Order()); // a permutation
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SelectMass_keeps_the_shortest_prefix_reaching_the_mass(string shape)
    {
        var random = new Xoshiro256StarStar(505);
        foreach (int vocab in new[] { 1, 2, 5, 64, 300 })
        {
            float[] logits = Logits(shape, vocab, random);
            double[] weightOf = logits.Select(l => Math.Exp(l)).ToArray();
            int[] sorted = SortedOrder(logits);
            double total = weightOf.Sum();
            foreach (double fraction in new[] { 0.01, 0.3, 0.5, 0.9, 0.999 })
            {
                // Brute force: walk the sorted order until the mass is reached.
                double mass = fraction * total, cumulative = 0;
                int expected = 0;
                while (cumulative < mass) cumulative += weightOf[sorted[expected++]];

                int[] ids = Shuffled(vocab, random);
                int kept = TokenSelection.SelectMass(ids, mass, weightOf, logits);
                Assert.Equal(expected, kept);
                Assert.Equal(sorted[..kept].Order(), ids[..kept].Order());
            }
        }
    }
}
