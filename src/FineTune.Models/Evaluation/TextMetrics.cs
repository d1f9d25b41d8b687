namespace FineTune.Models.Evaluation;

/// <summary>
/// Free-text answer metrics with SQuAD's definitions, so held-out question-answering results read the same way as
/// the literature: exact match after normalisation, and token F1 that gives partial credit for overlapping words.
/// </summary>
public static class TextMetrics
{
    /// <summary>
    /// Whether the prediction equals the reference. With <paramref name="normalize"/> both sides go through SQuAD's
    /// normalisation first; without it the strings must be ordinally identical, for tasks where case and punctuation matter.
    /// </summary>
    public static bool ExactMatch(string prediction, string reference, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(reference);
        return normalize
            ? SquadNormalizer.Normalize(prediction) == SquadNormalizer.Normalize(reference)
            : string.Equals(prediction, reference, StringComparison.Ordinal);
    }

    /// <summary>
    /// Harmonic mean of token precision and recall, where the overlap counts each normalised token as often as it
    /// occurs on both sides (a bag, not a set). When either side normalises to no tokens the score is 1 if both do and
    /// 0 otherwise, as in SQuAD 2.0's script, so that a normalised exact match never scores below 1.
    /// </summary>
    public static double TokenF1(string prediction, string reference)
    {
        string[] predicted = SquadNormalizer.Tokens(prediction);
        string[] expected = SquadNormalizer.Tokens(reference);
        if (predicted.Length == 0 || expected.Length == 0) return predicted.Length == expected.Length ? 1.0 : 0.0;

        int common = CommonTokenCount(predicted, expected);
        if (common == 0) return 0.0;
        double precision = (double)common / predicted.Length;
        double recall = (double)common / expected.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Size of the multiset intersection: each expected token can be matched at most as often as it appears.</summary>
    private static int CommonTokenCount(string[] predicted, string[] expected)
    {
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in expected) remaining[token] = remaining.GetValueOrDefault(token) + 1;

        int common = 0;
        foreach (string token in predicted)
        {
            if (remaining.GetValueOrDefault(token) > 0)
            {
                remaining[token]--;
                common++;
            }
        }
        return common;
    }
}
