using System.Text;

namespace FineTune.Models.Evaluation;

/// <summary>
/// The tokenisation BLEU counts n-grams over: a simplified form of sacrebleu's "13a" rule, lower-cased. Every ASCII
/// punctuation character becomes a token of its own, except the apostrophe and the hyphen, which stay inside words
/// ("don't", "state-of-the-art"), and a period or comma between two digits, which stays inside the number ("3.14",
/// "1,000"). Whitespace separates the rest. Unlike <see cref="SquadNormalizer"/> nothing is deleted, so word order and
/// punctuation still count as they do in translation-style scoring.
/// </summary>
internal static class BleuTokenizer
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static string[] Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string lower = text.ToLowerInvariant();
        var spaced = new StringBuilder(lower.Length + 16);
        for (var i = 0; i < lower.Length; i++)
        {
            char c = lower[i];
            if (SplitsOff(lower, i)) spaced.Append(' ').Append(c).Append(' ');
            else spaced.Append(c);
        }
        return spaced.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    private static bool SplitsOff(string text, int at)
    {
        char c = text[at];
        if (c is '\'' or '-' || !AsciiPunctuation.Contains(c)) return false;
        bool betweenDigits = at > 0 && at + 1 < text.Length && char.IsAsciiDigit(text[at - 1]) && char.IsAsciiDigit(text[at + 1]);
        return !(c is '.' or ',' && betweenDigits);
    }
}
