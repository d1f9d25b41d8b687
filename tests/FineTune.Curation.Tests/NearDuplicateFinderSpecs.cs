using FineTune.Curation.Deduplication;

namespace FineTune.Curation.Tests;

public sealed class NearDuplicateFinderSpecs
{
    [Fact]
    public void Planted_near_duplicates_are_clustered_with_their_originals_and_distinct_texts_are_not()
    {
        var random = new Random(7);
        string[] words = ["kettle", "order", "refund", "broken", "late", "screen", "battery", "charger", "blue", "size", "return", "parcel",
            "driver", "window", "manual", "warranty", "colour", "handle", "lid", "cable"];
        var texts = Enumerable.Range(0, 300).Select(_ => string.Join(' ', Enumerable.Range(0, 25).Select(_ => words[random.Next(words.Length)]))).ToList();
        var planted = new List<(int Original, int Copy)>();
        for (var i = 0; i < 30; i++)
        {
            var original = i * 10;
            var text = texts[original];
            // as the raw samples do it: case changed, a character lost, final punctuation dropped or added
            var copy = (i % 3) switch
            {
                0 => text.ToUpperInvariant(),
                1 => text.Remove(random.Next(text.Length), 1),
                _ => text + ".",
            };
            planted.Add((original, texts.Count));
            texts.Add(copy);
        }

        var clusters = new NearDuplicateFinder(threshold: 0.8).Clusters(texts);

        foreach (var (original, copy) in planted)
            Assert.Contains(clusters, c => c.Contains(original) && c.Contains(copy));
        Assert.Equal(planted.Count, clusters.Count); // random 25-word texts share far fewer than 80% of their 5-grams
        Assert.All(clusters, c => Assert.Equal(2, c.Count));
    }

    [Theory]
    [InlineData("the kettle leaks", "THE KETTLE LEAKS", 1.0)]
    [InlineData("the kettle leaks", "the kettle   leaks", 1.0)]
    [InlineData("abcdef", "abcdeg", 1.0 / 3)] // 5-grams {abcde, bcdef} and {abcde, bcdeg}: one of three
    public void Jaccard_is_over_lower_cased_whitespace_collapsed_5_grams(string a, string b, double expected) =>
        Assert.Equal(expected, NearDuplicateFinder.Jaccard(a, b), 12);

    [Fact]
    public void Bands_must_divide_the_permutations() =>
        Assert.Throws<ArgumentException>(() => new NearDuplicateFinder(permutations: 100, bands: 16));
}
