using FineTune.Models.Evaluation;

namespace FineTune.Models.Tests.Evaluation;

public class TextMetricsTests
{
    private const double Tolerance = 1e-12;

    [Theory]
    [InlineData("The Eiffel Tower!", "eiffel tower")]       // case, article, punctuation
    [InlineData("  New \t York \n", "new york")]            // whitespace collapsed
    [InlineData("state-of-the-art", "stateoftheart")]       // punctuation is deleted, not replaced by a space
    [InlineData("don't", "dont")]
    [InlineData("a", "an")]                                 // both normalise to the empty string
    [InlineData("An apple, a pear", "apple pear")]
    public void ExactMatch_ignores_what_squad_normalisation_removes(string prediction, string reference) =>
        Assert.True(TextMetrics.ExactMatch(prediction, reference));

    [Theory]
    [InlineData("theatre", "atre")]                         // articles only as whole words
    [InlineData("anchor", "chor")]
    [InlineData("café—bar", "cafébar")]                     // the em dash is not ASCII punctuation, so it stays
    [InlineData("cat", "cats")]
    public void ExactMatch_keeps_what_squad_normalisation_keeps(string prediction, string reference) =>
        Assert.False(TextMetrics.ExactMatch(prediction, reference));

    [Fact]
    public void ExactMatch_without_normalisation_compares_ordinally()
    {
        Assert.False(TextMetrics.ExactMatch("Paris", "paris", normalize: false));
        Assert.False(TextMetrics.ExactMatch("Paris.", "Paris", normalize: false));
        Assert.True(TextMetrics.ExactMatch("Paris", "Paris", normalize: false));
    }

    [Fact]
    public void TokenF1_counts_overlap_after_normalisation()
    {
        // prediction "the cat sat on the mat" -> [cat, sat, on, mat]; reference "a cat on a mat" -> [cat, on, mat].
        // common = 3, precision = 3/4, recall = 3/3, F1 = 2·(3/4)·1 / (3/4 + 1) = 1.5 / 1.75 = 6/7.
        Assert.Equal(6.0 / 7.0, TextMetrics.TokenF1("the cat sat on the mat", "a cat on a mat"), Tolerance);
    }

    [Fact]
    public void TokenF1_overlap_is_a_bag_not_a_set()
    {
        // [red, red, blue] vs [red, red, green]: "red" matches twice, so common = 2 (a set would give 1).
        // precision = recall = 2/3, F1 = 2/3.
        Assert.Equal(2.0 / 3.0, TextMetrics.TokenF1("red red blue", "red red green"), Tolerance);

        // [red, red, red] vs [red, blue]: only one reference "red" to match, common = 1.
        // precision = 1/3, recall = 1/2, F1 = 2·(1/6) / (5/6) = 2/5.
        Assert.Equal(2.0 / 5.0, TextMetrics.TokenF1("red red red", "red blue"), Tolerance);
    }

    [Fact]
    public void TokenF1_is_zero_without_overlap_and_one_for_a_normalised_match()
    {
        Assert.Equal(0.0, TextMetrics.TokenF1("dog", "cat"));
        Assert.Equal(1.0, TextMetrics.TokenF1("The Cat.", "cat"));
    }

    [Fact]
    public void TokenF1_of_empty_normalised_text_is_one_only_when_both_are_empty()
    {
        Assert.Equal(1.0, TextMetrics.TokenF1("the", "a!"));
        Assert.Equal(0.0, TextMetrics.TokenF1("the", "cat"));
        Assert.Equal(0.0, TextMetrics.TokenF1("cat", ""));
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => TextMetrics.ExactMatch(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => TextMetrics.TokenF1("x", null!));
    }
}
