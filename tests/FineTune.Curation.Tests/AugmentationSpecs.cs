using FineTune.Curation.Augmentation;

namespace FineTune.Curation.Tests;

public sealed class AugmentationSpecs(WordNetFixture wordNet) : IClassFixture<WordNetFixture>
{
    private const string Review = "The quick driver parked the old car near a quiet house, then walked home happily.";
    private static readonly IEnumerable<int> Seeds = Enumerable.Range(0, 40);

    private readonly TextAugmenter _augmenter = new(wordNet.Synonyms);

    private static List<string> Words(string text) =>
        text.Split([' ', ',', '.', '!'], StringSplitOptions.RemoveEmptyEntries).ToList();

    [Fact]
    public void The_same_seed_gives_the_same_variants_and_another_seed_different_ones()
    {
        var options = new AugmentationOptions(CopiesPerRecord: 4);

        var variants = _augmenter.Variants(Review, seed: 7, options);

        Assert.Equal(4, variants.Count);
        Assert.Equal(variants, _augmenter.Variants(Review, seed: 7, options));
        Assert.NotEqual(variants, _augmenter.Variants(Review, seed: 8, options));
    }

    [Fact]
    public void Variants_differ_from_the_text_and_from_one_another()
    {
        var variants = _augmenter.Variants(Review, seed: 3, new AugmentationOptions(CopiesPerRecord: 5));

        Assert.Equal(5, variants.Distinct().Count());
        Assert.DoesNotContain(Review, variants);
    }

    [Fact]
    public void Stop_words_are_never_replaced_even_where_wordnet_has_synonyms_for_them()
    {
        // WordNet has synonyms for every stop word here ("tin" for can, "make" for do, "information technology" for it)
        foreach (var stopWord in new[] { "can", "do", "it" })
            Assert.NotEmpty(wordNet.Synonyms.For(stopWord));
        var replaceAll = new AugmentationOptions(SynonymRate: 1, SwapRate: 0, DeletionRate: 0);

        foreach (var seed in Seeds)
        {
            var variant = _augmenter.Augment("I can do it with the car", new Random(seed), replaceAll);

            Assert.StartsWith("I can do it with the ", variant);
            Assert.Contains(variant["I can do it with the ".Length..], wordNet.Synonyms.For("car"));
        }
    }

    [Fact]
    public void A_replaced_word_keeps_its_leading_capital()
    {
        var variant = _augmenter.Augment("Car", new Random(1), new AugmentationOptions(SynonymRate: 1, SwapRate: 0, DeletionRate: 0));

        Assert.Contains(variant, wordNet.Synonyms.For("car").Select(s => char.ToUpperInvariant(s[0]) + s[1..]));
    }

    [Fact]
    public void Swapping_alone_keeps_the_same_words_and_the_same_punctuation()
    {
        var swapOnly = new AugmentationOptions(SynonymRate: 0, SwapRate: 0.3, DeletionRate: 0);

        foreach (var seed in Seeds)
        {
            var variant = _augmenter.Augment(Review, new Random(seed), swapOnly);

            Assert.NotEqual(Review, variant);
            Assert.Equal(Words(Review).Order(StringComparer.Ordinal), Words(variant).Order(StringComparer.Ordinal));
            Assert.Equal(Review.Where(c => !char.IsLetter(c)), variant.Where(c => !char.IsLetter(c)));
        }
    }

    [Fact]
    public void Deletion_alone_only_removes_words_keeping_order_stop_words_and_single_spacing()
    {
        var deleteOnly = new AugmentationOptions(SynonymRate: 0, SwapRate: 0, DeletionRate: 0.3);
        var stopWords = new[] { "The", "the", "a", "then" };

        foreach (var seed in Seeds)
        {
            var variant = _augmenter.Augment(Review, new Random(seed), deleteOnly);

            var kept = Words(variant);
            Assert.True(kept.Count < Words(Review).Count, variant);
            Assert.Equal(kept, Words(Review).Where(w => kept.Contains(w)));
            Assert.Equal(Words(Review).Where(stopWords.Contains), kept.Where(stopWords.Contains));
            Assert.DoesNotContain("  ", variant);
        }
    }

    [Theory]
    [InlineData("Great")]
    [InlineData("Great product!")]
    [InlineData("Wow, lovely kettle")]
    public void Deleting_every_word_is_never_allowed(string text)
    {
        var deleteAll = new AugmentationOptions(SynonymRate: 0, SwapRate: 0, DeletionRate: 1);

        foreach (var seed in Seeds)
            Assert.Equal(text, _augmenter.Augment(text, new Random(seed), deleteAll));
    }

    [Fact]
    public void A_variant_of_a_short_text_is_never_empty()
    {
        foreach (var seed in Seeds)
            Assert.Contains(_augmenter.Augment("Lovely", new Random(seed), new AugmentationOptions(DeletionRate: 0.9)), w => char.IsLetter(w));
    }

    [Fact]
    public void A_text_of_stop_words_alone_has_no_variant()
    {
        var options = new AugmentationOptions(CopiesPerRecord: 3, SynonymRate: 1, SwapRate: 0, DeletionRate: 1);

        Assert.Empty(_augmenter.Variants("it is what it is", seed: 1, options));
    }

    [Theory]
    [InlineData(11, 0.1, 0.1, 0.1, "augment_copies")]
    [InlineData(-1, 0.1, 0.1, 0.1, "augment_copies")]
    [InlineData(1, 1.5, 0.1, 0.1, "augment_synonym_rate")]
    [InlineData(1, 0.1, -0.1, 0.1, "augment_swap_rate")]
    [InlineData(1, 0.1, 0.1, double.NaN, "augment_deletion_rate")]
    public void Settings_out_of_range_are_refused_by_name(int copies, double synonymRate, double swapRate, double deletionRate, string setting)
    {
        var options = new AugmentationOptions(copies, synonymRate, swapRate, deletionRate);

        var error = Assert.Throws<ArgumentException>(() => _augmenter.Variants(Review, seed: 1, options));

        Assert.Contains(setting, error.Message);
    }
}
