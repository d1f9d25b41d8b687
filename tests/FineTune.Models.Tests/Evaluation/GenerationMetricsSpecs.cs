using FineTune.Models.Evaluation;

namespace FineTune.Models.Tests.Evaluation;

public sealed class GenerationMetricsSpecs
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Rouge_l_is_the_f_measure_of_the_longest_common_subsequence_of_normalised_tokens()
    {
        // prediction → [cat, sat, on, mat] (articles dropped), reference → [cat, was, on, mat, today]
        // LCS = cat on mat = 3; P = 3/4, R = 3/5, F = 2·0.75·0.6 / 1.35 = 2/3
        Assert.Equal(2.0 / 3, GenerationMetrics.RougeL("The cat sat on the mat.", "the cat was on the mat today"), Tolerance);
    }

    [Fact]
    public void Rouge_l_rewards_word_order_where_token_f1_does_not()
    {
        // same bag of words, reversed: LCS = 1 of 3, so P = R = F = 1/3, while token F1 is 1
        Assert.Equal(1.0 / 3, GenerationMetrics.RougeL("mat on cat", "cat on mat"), Tolerance);
        Assert.Equal(1.0, TextMetrics.TokenF1("mat on cat", "cat on mat"), Tolerance);
    }

    [Theory]
    [InlineData("A red kettle, leaking!", "a RED kettle leaking", 1.0)]
    [InlineData("blue teapot", "red kettle", 0.0)]
    [InlineData("", "red kettle", 0.0)]
    [InlineData("red kettle", "", 0.0)]
    [InlineData("the", "an", 0.0)] // both normalise to nothing: rouge-score gives 0 when either side is empty
    public void Rouge_l_is_one_for_identical_text_and_zero_without_overlap_or_tokens(string prediction, string reference, double expected) =>
        Assert.Equal(expected, GenerationMetrics.RougeL(prediction, reference), Tolerance);

    [Fact]
    public void Bleu_tokens_are_lower_cased_with_punctuation_split_off_except_inside_words_and_numbers() =>
        Assert.Equal(["don't", "stop", ",", "state-of-the-art", "costs", "1,000.50", "(", "approx", ".", ")", "!"],
            BleuTokenizer.Tokens("Don't STOP, state-of-the-art costs 1,000.50 (approx.)!"));

    [Fact]
    public void Corpus_bleu_of_one_sentence_is_the_clipped_precisions_geometric_mean_times_the_brevity_penalty()
    {
        // prediction: the cat sat on the mat (c = 6); reference: the cat sat on the red mat (r = 7)
        // 1-grams 6/6, 2-grams 4/5 (not "the mat"), 3-grams 3/4 (not "on the mat"), 4-grams 2/3 (not "sat on the mat")
        // BLEU = exp(1 − 7/6) · (1 · 4/5 · 3/4 · 2/3)^(1/4) = exp(−1/6) · 0.4^(1/4) ≈ 0.6732
        double expected = Math.Exp(1 - 7.0 / 6) * Math.Pow(0.4, 0.25);
        Assert.Equal(expected, GenerationMetrics.CorpusBleu([("The cat sat on the mat", "the cat sat on the red mat")]), Tolerance);
    }

    [Fact]
    public void Corpus_bleu_sums_counts_over_sentences_before_combining_them()
    {
        // the sentence above, plus one matching exactly once lower-cased and its comma split off: hello world , friends
        // 1-grams (6+4)/(6+4), 2-grams (4+3)/(5+3), 3-grams (3+2)/(4+2), 4-grams (2+1)/(3+1); c = 10, r = 11
        // BLEU = exp(1 − 11/10) · (1 · 7/8 · 5/6 · 3/4)^(1/4)
        double expected = Math.Exp(1 - 11.0 / 10) * Math.Pow(7.0 / 8 * 5.0 / 6 * 3.0 / 4, 0.25);
        double bleu = GenerationMetrics.CorpusBleu([
            ("The cat sat on the mat", "the cat sat on the red mat"),
            ("Hello world, friends", "hello world , friends"),
        ]);
        Assert.Equal(expected, bleu, Tolerance);
    }

    [Fact]
    public void Corpus_bleu_has_no_brevity_penalty_when_the_prediction_is_longer()
    {
        // prediction: a b c d e (c = 5), reference: a b c d (r = 4); precisions 4/5, 3/4, 2/3, 1/2, no penalty
        double expected = Math.Pow(4.0 / 5 * 3.0 / 4 * 2.0 / 3 * 1.0 / 2, 0.25);
        Assert.Equal(expected, GenerationMetrics.CorpusBleu([("a b c d e", "a b c d")]), Tolerance);
    }

    [Fact]
    public void Corpus_bleu_is_one_for_identical_text_and_zero_when_some_order_never_matches()
    {
        Assert.Equal(1.0, GenerationMetrics.CorpusBleu([("Install the package now.", "install the package now ."), ("a b c d", "a b c d")]), Tolerance);
        Assert.Equal(0.0, GenerationMetrics.CorpusBleu([("blue teapot", "red kettle")]));
        Assert.Equal(0.0, GenerationMetrics.CorpusBleu([("cat sat", "cat sat")])); // no 3-gram or 4-gram anywhere
        Assert.Equal(0.0, GenerationMetrics.CorpusBleu([("", "the cat sat on the mat")]));
        Assert.Throws<ArgumentException>(() => GenerationMetrics.CorpusBleu([]));
    }

    [Fact]
    public void Sentence_bleu_adds_one_to_higher_order_counts_only()
    {
        // counts as in the corpus example; orders 2–4 become (4+1)/(5+1), (3+1)/(4+1), (2+1)/(3+1), unigrams stay 6/6
        // product 1 · 5/6 · 4/5 · 3/4 = 1/2, so BLEU = exp(1 − 7/6) · 0.5^(1/4) ≈ 0.7117
        double expected = Math.Exp(1 - 7.0 / 6) * Math.Pow(0.5, 0.25);
        Assert.Equal(expected, GenerationMetrics.SentenceBleu("The cat sat on the mat", "the cat sat on the red mat"), Tolerance);
    }

    [Fact]
    public void Sentence_bleu_scores_a_short_partial_answer_that_corpus_bleu_would_zero()
    {
        // "cat" vs "cat sat": 1/1 unigrams, no higher n-grams so each smoothed precision is (0+1)/(0+1); BP = exp(1 − 2/1)
        Assert.Equal(Math.Exp(-1), GenerationMetrics.SentenceBleu("cat", "cat sat"), Tolerance);
        Assert.Equal(0.0, GenerationMetrics.CorpusBleu([("cat", "cat sat")]));
    }

    [Theory]
    [InlineData("Install the package now.", "install the package now .", 1.0)]
    [InlineData("ok", "ok", 1.0)]
    [InlineData("blue teapot", "red kettle", 0.0)]
    [InlineData("", "red kettle", 0.0)]
    [InlineData("red kettle", "", 0.0)] // matches nothing in an empty reference
    public void Sentence_bleu_is_one_for_identical_text_and_zero_without_a_shared_word(string prediction, string reference, double expected) =>
        Assert.Equal(expected, GenerationMetrics.SentenceBleu(prediction, reference), Tolerance);
}
