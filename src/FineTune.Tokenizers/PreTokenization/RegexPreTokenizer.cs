using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Tokenizers.PreTokenization;

/// <summary>
/// Any split pattern, on .NET's regex engine, made to behave as on Unicode scalar values. .NET
/// matches UTF-16 units, so an astral character would be two units that \p{L} never matches and
/// that <c>.</c> or <c>{1,3}</c> count twice; the regex therefore runs on a twin of the text in which
/// every astral scalar is replaced by one BMP character of the same general category (and a lone
/// surrogate by U+FFFD), and match positions are mapped back. This is also the reference the
/// scanners are tested against. Limits: a pattern naming specific astral characters is not
/// supported, and case-insensitive groups are rewritten only when they hold plain letters.
/// </summary>
internal sealed class RegexPreTokenizer : PreTokenizer
{
    private static readonly char[] StandIns = BuildStandIns();
    private readonly Regex _regex;

    public RegexPreTokenizer(string pattern) : base(pattern)
    {
        try
        {
            _regex = new Regex(SpellOutCaseInsensitiveGroups(pattern), RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new TokenizerFormatException("pattern", $"'{pattern}' is not a regex .NET can run: {e.Message}");
        }
    }

    public override void Split(ReadOnlySpan<char> text, List<Range> pieces)
    {
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            AddMatches(text, pieces, null);
            return;
        }
        var twin = new char[text.Length];
        var original = new int[text.Length + 1];   // twin index -> index in text
        var length = 0;
        for (var i = 0; i < text.Length;)
        {
            original[length] = i;
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
                rune = Rune.ReplacementChar;
            twin[length++] = rune.IsBmp ? (char)rune.Value : StandIns[(int)Rune.GetUnicodeCategory(rune)];
            i += consumed;
        }
        original[length] = text.Length;
        AddMatches(twin.AsSpan(0, length), pieces, original);
    }

    private void AddMatches(ReadOnlySpan<char> text, List<Range> pieces, int[]? original)
    {
        var covered = 0;
        foreach (var match in _regex.EnumerateMatches(text))
        {
            if (match.Length == 0) continue;
            if (match.Index > covered) Add(pieces, original, covered, match.Index);   // unmatched text stays a piece
            Add(pieces, original, match.Index, match.Index + match.Length);
            covered = match.Index + match.Length;
        }
        if (covered < text.Length) Add(pieces, original, covered, text.Length);
    }

    private static void Add(List<Range> pieces, int[]? original, int start, int end)
        => pieces.Add(original is null ? new Range(start, end) : new Range(original[start], original[end]));

    /// <summary>
    /// Rust's regex folds case with Unicode simple case folding, under which 's' also matches
    /// U+017F (long s) and 'k' U+212A (Kelvin sign); .NET's does not. A <c>(?i:...)</c> group of
    /// plain letters, apostrophes and alternations is rewritten with explicit classes
    /// (<c>'[sSſ]|'[tT]...</c>) so both engines agree; other patterns are left as written.
    /// </summary>
    internal static string SpellOutCaseInsensitiveGroups(string pattern)
    {
        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var open = pattern.IndexOf("(?i:", at, StringComparison.Ordinal);
            var close = open < 0 ? -1 : pattern.IndexOf(')', open);
            if (close < 0) break;
            var body = pattern.AsSpan(open + 4, close - open - 4);
            if (body.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'|"))
            {
                result.Append(pattern, at, close + 1 - at);
            }
            else
            {
                result.Append(pattern, at, open - at).Append("(?:");
                foreach (var c in body)
                {
                    if (!char.IsAsciiLetter(c)) { result.Append(c); continue; }
                    var lower = char.ToLowerInvariant(c);
                    result.Append('[').Append(lower).Append(char.ToUpperInvariant(c));
                    if (lower == 's') result.Append('\u017F');
                    if (lower == 'k') result.Append('\u212A');
                    result.Append(']');
                }
                result.Append(')');
            }
            at = close + 1;
        }
        return result.Append(pattern, at, pattern.Length - at).ToString();
    }

    // For each general category, a BMP character of it beyond Latin-1 that is not whitespace.
    private static char[] BuildStandIns()
    {
        var standIns = new char[32];
        for (var c = (int)char.MaxValue; c >= 0x100; c--)
        {
            if (char.IsSurrogate((char)c) || char.IsWhiteSpace((char)c)) continue;
            standIns[(int)CharUnicodeInfo.GetUnicodeCategory((char)c)] = (char)c;
        }
        return standIns;
    }
}
