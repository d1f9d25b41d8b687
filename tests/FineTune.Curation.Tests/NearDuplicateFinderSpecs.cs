using System.Runtime.Intrinsics;
using FineTune.Curation.Deduplication;

namespace FineTune.Curation.Tests;

public sealed class NearDuplicateFinderSpecs
{
    private static readonly string[] Words = ["kettle", "order", "refund", "broken", "late", "screen", "battery", "charger", "blue", "size", "return", "parcel",
        "driver", "window", "manual", "warranty", "colour", "handle", "lid", "cable"];

    private static string RandomText(Random random, int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));

    [Fact]
    public void Planted_near_duplicates_are_clustered_with_their_originals_and_distinct_texts_are_not()
    {
        var random = new Random(7);
        var texts = Enumerable.Range(0, 300).Select(_ => RandomText(random, 25)).ToList();
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

    [Fact]
    public void Thousands_of_copies_of_one_text_cluster_with_its_near_duplicates_and_nothing_else()
    {
        var random = new Random(3);
        var text = RandomText(random, 60);
        var texts = Enumerable.Range(0, 40).Select(_ => RandomText(random, 60)).ToList();
        var copies = new List<int>();
        for (var i = 0; i < 3000; i++)
        {
            copies.Add(texts.Count);
            texts.Add((i % 3) switch { 0 => text, 1 => text.ToUpperInvariant(), _ => $"  {text.Replace(" ", "\t ")} " });
        }
        foreach (var position in new[] { 5, 150, 300 })
        {
            copies.Add(texts.Count);
            texts.Add(text.Remove(position, 1));
        }

        var clusters = new NearDuplicateFinder().Clusters(texts);

        Assert.Equal([copies.ToArray()], clusters.Select(c => c.ToArray()).ToArray());
    }

    [Theory]
    [InlineData("", "   ", "\t\n", "kettle leaks", "")]
    [InlineData("", " ")]
    [InlineData]
    public void Blank_texts_are_nobodys_near_duplicates(params string[] texts) => Assert.Empty(new NearDuplicateFinder().Clusters(texts));

    [Theory]
    [InlineData(128)]
    [InlineData(100)] // not a whole number of vectors: the tail is scalar
    [InlineData(40)]
    [InlineData(1)]
    public void Vector_signatures_equal_the_scalar_definition(int permutations)
    {
        var random = new Random(permutations);
        string[] texts = ["a", "Kettle", RandomText(random, 70), RandomText(random, 400), "\U00010400 DESERET \uD800 kettle \u00A0 leaks"];
        var minHasher = new MinHasher(permutations, seed: 9);
        var hasher = new ShingleHasher();
        foreach (var text in texts)
        {
            var shingles = hasher.Hashes(text);
            var scalar = new ulong[permutations];
            minHasher.ScalarSignature(shingles, scalar);
            var signatures = new ulong[3][];
            for (var s = 0; s < signatures.Length; s++) signatures[s] = new ulong[permutations];
            minHasher.Signature<Lanes512, Vector512<ulong>>(shingles, signatures[0]);
            minHasher.Signature<Lanes256, Vector256<ulong>>(shingles, signatures[1]);
            minHasher.Signature(shingles, signatures[2]);

            Assert.All(signatures, signature => Assert.Equal(scalar, signature));
        }
    }

    [Fact]
    public void Signature_agreement_estimates_the_exact_jaccard_similarity()
    {
        const int permutations = 256;
        var random = new Random(21);
        var minHasher = new MinHasher(permutations, seed: 4);
        var hasher = new ShingleHasher();
        var errors = new List<double>();
        for (var pair = 0; pair < 60; pair++)
        {
            var words = RandomText(random, 60).Split(' ');
            var changed = (string[])words.Clone();
            for (var w = 0; w < pair; w++) changed[random.Next(changed.Length)] = "x" + random.Next(1000);
            var (a, b) = (string.Join(' ', words), string.Join(' ', changed));
            var (signatureA, signatureB) = (new ulong[permutations], new ulong[permutations]);
            minHasher.Signature(hasher.Hashes(a), signatureA);
            minHasher.Signature(hasher.Hashes(b), signatureB);

            var estimate = (double)signatureA.Zip(signatureB).Count(p => p.First == p.Second) / permutations;
            errors.Add(estimate - NearDuplicateFinder.Jaccard(a, b));
        }

        Assert.InRange(errors.Average(), -0.02, 0.02); // unbiased
        Assert.InRange(errors.Average(Math.Abs), 0, 0.04); // one standard error at Jaccard 0.5 is 0.031
    }
}
