using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Curation.Cleaning;

/// <summary>
/// Normalizes text before anything compares or trains on it: HTML reduced to its text (tags dropped,
/// block tags become line breaks, entities decoded), Unicode NFC, control and format characters
/// removed (tab and newline kept), spaces collapsed within lines and blank-line runs cut to one.
/// </summary>
public static partial class TextCleaner
{
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (LooksLikeHtml().IsMatch(text)) text = HtmlToText(text);
        text = text.Normalize(NormalizationForm.FormC);
        var kept = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is '\n' or '\t') { kept.Append((char)rune.Value); continue; }
            if (rune.Value == '\r') continue;
            var category = Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format) continue;
            kept.Append(Rune.IsWhiteSpace(rune) ? ' ' : rune.ToString());
        }
        var lines = kept.ToString().Split('\n').Select(line => SpaceRuns().Replace(line, " ").Trim());
        return BlankRuns().Replace(string.Join('\n', lines), "\n\n").Trim();
    }

    private static string HtmlToText(string html)
    {
        html = ScriptOrStyle().Replace(html, " ");
        html = BlockTag().Replace(html, "\n");
        html = AnyTag().Replace(html, "");
        return WebUtility.HtmlDecode(html);
    }

    [GeneratedRegex(@"<(?:[a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>|</[a-zA-Z][a-zA-Z0-9]*\s*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")]
    private static partial Regex LooksLikeHtml();

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<\s*(?:br|/p|p|/div|div|/li|li|/h[1-6]|tr|/tr)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockTag();

    [GeneratedRegex(@"<[^<>]+>")]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"[ \t]{2,}|\t")]
    private static partial Regex SpaceRuns();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankRuns();
}
