using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Models.Evaluation;

/// <summary>
/// The answer normalisation of the SQuAD evaluation script, so that scores reported here are comparable with
/// published extractive-QA numbers: case, ASCII punctuation, the English articles and spacing are not what a
/// held-out answer is judged on.
/// </summary>
internal static partial class SquadNormalizer
{
    /// <summary>Python's <c>string.punctuation</c>: SQuAD strips exactly these, so non-ASCII symbols survive.</summary>
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>Lower-cases, removes punctuation, replaces the words a/an/the by a space and collapses whitespace (SQuAD's order).</summary>
    public static string Normalize(string text) => string.Join(' ', Tokens(text));

    /// <summary>The whitespace tokens of the normalised text; token F1 counts overlap over these.</summary>
    public static string[] Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string withoutArticles = Articles().Replace(RemovePunctuation(text.ToLowerInvariant()), " ");
        return withoutArticles.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    private static string RemovePunctuation(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!AsciiPunctuation.Contains(c)) kept.Append(c);
        }
        return kept.ToString();
    }

    [GeneratedRegex(@"\b(a|an|the)\b")]
    private static partial Regex Articles();
}
