using System.Text.RegularExpressions;

namespace FineTune.Datasets.Safety;

/// <summary>
/// Finds any of a list of words or phrases as whole words, case-insensitively; spaces inside a phrase
/// match any run of whitespace, so a line break between "pipe" and "bomb" does not hide the phrase.
/// </summary>
internal sealed class PhraseMatcher
{
    // a Regex is immutable and thread-safe, which is what lets one screen serve concurrent requests
    private readonly Regex _pattern;

    public PhraseMatcher(IEnumerable<string> phrases)
    {
        var alternatives = phrases
            .Select(phrase => string.Join(@"\s+", TextNormalizer.Apostrophes(phrase).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)))
            .Where(alternative => alternative.Length > 0)
            .OrderByDescending(alternative => alternative.Length) // the longest phrase wins where two overlap
            .ToList();
        _pattern = alternatives.Count == 0
            ? new Regex("(?!)")
            : new Regex($@"(?<!\w)(?:{string.Join('|', alternatives)})(?!\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>The distinct matched phrases, as they appear in the text, in order of first appearance.</summary>
    public IReadOnlyList<string> Matches(string text) =>
        _pattern.Matches(TextNormalizer.Apostrophes(text)).Select(match => match.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
