using System.Text.RegularExpressions;

namespace FineTune.Datasets.Safety;

/// <summary>
/// Recognises an output that declines the request. Only the first two sentences are read: a refusal
/// comes first, perhaps after one sentence of acknowledgement, while "I cannot stress enough…" later
/// in an answer is not one.
/// </summary>
public static partial class RefusalDetector
{
    private const int OpeningSentences = 2;

    public static bool IsRefusal(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sentences = SentenceBreak().Split(TextNormalizer.Apostrophes(output.Trim()), OpeningSentences + 1);
        return sentences.Take(OpeningSentences).Any(sentence => RefusalPattern().IsMatch(sentence));
    }

    [GeneratedRegex(@"(?<=[.!?])\s+|\n")]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(
        @"(?<!\w)(?:i\s+can(?:no|')t|i\s+can\s+not|i\s+won't|i\s+will\s+not|i'm\s+sorry,?\s+but|i\s+am\s+sorry,?\s+but|sorry,\s+but\s+i|"
        + @"i'm\s+(?:not\s+able|unable)\s+to|i\s+am\s+(?:not\s+able|unable)\s+to|i\s+(?:must|have\s+to)\s+(?:decline|refuse)|"
        + @"i\s+do\s+not\s+(?:feel\s+comfortable|provide|help)|i\s+don't\s+(?:feel\s+comfortable|provide|help)|as\s+an\s+ai,?\s+i\s+(?:can(?:no|')t|won't))(?!\w)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RefusalPattern();
}
