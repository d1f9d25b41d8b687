namespace FineTune.Models.Evaluation;

/// <summary>
/// Overlap metrics for free-text generation (summaries, rewrites, translations), where exact match is too strict and
/// token F1 ignores order: ROUGE-L rewards the longest in-order run of shared words, BLEU rewards shared n-grams up to
/// four words long. All scores are in [0, 1] (sacrebleu reports BLEU ×100).
/// </summary>
public static class GenerationMetrics
{
    /// <summary>BLEU-4: n-gram orders 1 to 4, weighted equally.</summary>
    public const int MaxOrder = 4;

    /// <summary>
    /// ROUGE-L F-measure as the <c>rouge-score</c> package defines rougeL for one reference: with L the length of the
    /// longest common subsequence of the two token lists, precision L/|prediction|, recall L/|reference| and their
    /// harmonic mean. Tokens are SQuAD-normalised (see <see cref="TextMetrics"/>), so unlike rouge-score the articles
    /// a/an/the are dropped and punctuation is deleted rather than turned into spaces. 0 when either side has no tokens.
    /// </summary>
    public static double RougeL(string prediction, string reference)
    {
        string[] predicted = SquadNormalizer.Tokens(prediction);
        string[] expected = SquadNormalizer.Tokens(reference);
        if (predicted.Length == 0 || expected.Length == 0) return 0.0;
        int common = LongestCommonSubsequence(predicted, expected);
        if (common == 0) return 0.0;
        double precision = (double)common / predicted.Length;
        double recall = (double)common / expected.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>
    /// Corpus BLEU-4 as Papineni et al. define it (sacrebleu with <c>smooth_method="none"</c>, one reference per
    /// prediction): clipped n-gram matches and prediction n-gram counts are summed over the whole corpus before the
    /// four precisions are combined by geometric mean, then multiplied by the brevity penalty exp(1 − r/c) when the
    /// total prediction length c does not exceed the total reference length r. 0 when some order has no match at all
    /// (including a corpus too short to hold any 4-gram), as in sacrebleu. Tokens come from <see cref="BleuTokenizer"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The corpus is empty.</exception>
    public static double CorpusBleu(IReadOnlyList<(string Prediction, string Reference)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("Corpus BLEU needs at least one (prediction, reference) pair.", nameof(pairs));
        var counts = new NgramCounts();
        foreach (var (prediction, reference) in pairs) counts.Add(BleuTokenizer.Tokens(prediction), BleuTokenizer.Tokens(reference));
        for (var n = 1; n <= MaxOrder; n++)
            if (counts.Matches[n] == 0) return 0.0;
        return counts.Score(n => (double)counts.Matches[n] / counts.Totals[n]);
    }

    /// <summary>
    /// BLEU-4 of one prediction, smoothed so that a sentence missing some 4-gram is not scored 0: orders n &gt; 1 add one
    /// to both the clipped matches and the prediction's n-gram count (Lin and Och 2004; NLTK's <c>method2</c>), while
    /// unigram precision stays unsmoothed. Brevity penalty as in <see cref="CorpusBleu"/>. 0 when the prediction has no
    /// token or shares no word with the reference; 1 when the token lists are identical.
    /// </summary>
    public static double SentenceBleu(string prediction, string reference)
    {
        var counts = new NgramCounts();
        counts.Add(BleuTokenizer.Tokens(prediction), BleuTokenizer.Tokens(reference));
        if (counts.Matches[1] == 0) return 0.0;
        return counts.Score(n => n == 1
            ? (double)counts.Matches[1] / counts.Totals[1]
            : (counts.Matches[n] + 1.0) / (counts.Totals[n] + 1.0));
    }

    /// <summary>Length of the longest common subsequence, by the textbook dynamic programme over two rows.</summary>
    private static int LongestCommonSubsequence(string[] a, string[] b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        foreach (string token in a)
        {
            for (var j = 1; j <= b.Length; j++)
                current[j] = string.Equals(token, b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>Clipped n-gram matches, prediction n-gram totals (both indexed by order) and lengths, summed over sentences.</summary>
    private sealed class NgramCounts
    {
        public long[] Matches { get; } = new long[MaxOrder + 1];
        public long[] Totals { get; } = new long[MaxOrder + 1];
        private long _predictionLength;
        private long _referenceLength;

        public void Add(string[] prediction, string[] reference)
        {
            _predictionLength += prediction.Length;
            _referenceLength += reference.Length;
            for (var n = 1; n <= MaxOrder; n++)
            {
                Dictionary<string, int> available = Ngrams(reference, n);
                foreach (var (gram, count) in Ngrams(prediction, n))
                {
                    Totals[n] += count;
                    Matches[n] += Math.Min(count, available.GetValueOrDefault(gram));
                }
            }
        }

        /// <summary>Brevity penalty times the geometric mean of the four precisions.</summary>
        public double Score(Func<int, double> precision)
        {
            if (_predictionLength == 0) return 0.0;
            double logMean = 0;
            for (var n = 1; n <= MaxOrder; n++) logMean += Math.Log(precision(n)) / MaxOrder;
            double brevity = _predictionLength > _referenceLength ? 1.0 : Math.Exp(1.0 - (double)_referenceLength / _predictionLength);
            return brevity * Math.Exp(logMean);
        }

        // The tokens hold no whitespace, so a space-joined key is unambiguous.
        private static Dictionary<string, int> Ngrams(string[] tokens, int n)
        {
            var grams = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i + n <= tokens.Length; i++)
            {
                string gram = string.Join(' ', tokens, i, n);
                grams[gram] = grams.GetValueOrDefault(gram) + 1;
            }
            return grams;
        }
    }
}
