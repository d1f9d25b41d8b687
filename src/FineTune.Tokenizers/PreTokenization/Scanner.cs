namespace FineTune.Tokenizers.PreTokenization;

/// <summary>A hand-written splitter: finds each pre-token's length by trying the pattern's alternatives in order.</summary>
internal abstract class Scanner(string pattern) : PreTokenizer(pattern)
{
    /// <summary>Length in UTF-16 units of the pre-token starting at <paramref name="start"/> (at least 1).</summary>
    public abstract int NextLength(ReadOnlySpan<char> text, int start);

    public sealed override void Split(ReadOnlySpan<char> text, List<Range> pieces)
    {
        for (var i = 0; i < text.Length;)
        {
            var length = NextLength(text, i);
            pieces.Add(new Range(i, i + length));
            i += length;
        }
    }

    /// <summary>End of the run of scalars of class <paramref name="wanted"/> starting at <paramref name="i"/>.</summary>
    protected static int RunEnd(ReadOnlySpan<char> text, int i, ScalarClass wanted)
    {
        while (i < text.Length && ScalarClasses.At(text, i, out var width) == wanted) i += width;
        return i;
    }

    /// <summary>End of the <c>\s</c> run starting at <paramref name="i"/>.</summary>
    protected static int WhitespaceEnd(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && ScalarClasses.At(text, i, out _) is ScalarClass.Space or ScalarClass.LineBreak) i++;
        return i;
    }

    /// <summary>Class of the scalar at <paramref name="i"/>, or <paramref name="none"/> past the end.</summary>
    protected static ScalarClass ClassAt(ReadOnlySpan<char> text, int i, out int width, ScalarClass none)
    {
        if (i < text.Length) return ScalarClasses.At(text, i, out width);
        width = 0;
        return none;
    }

    /// <summary>
    /// <c>\s+(?!\S)|\s+</c> at a whitespace run ending at <paramref name="end"/>: the run minus its
    /// last character when a non-space follows and that leaves something, else the whole run.
    /// (Whitespace characters are all in the BMP, so "one character" is one UTF-16 unit.)
    /// </summary>
    protected static int TrailingWhitespaceLength(ReadOnlySpan<char> text, int start, int end)
        => end < text.Length && end - start > 1 ? end - 1 - start : end - start;

    /// <summary>
    /// Length of a contraction <c>'s|'t|'re|'ve|'m|'ll|'d</c> at <paramref name="i"/> (which holds an
    /// apostrophe), 0 if none. Case-insensitively (cl100k's <c>(?i:...)</c>) with Rust regex's
    /// Unicode simple case folding, under which U+017F LATIN SMALL LETTER LONG S is an 's'.
    /// </summary>
    protected static int ContractionLength(ReadOnlySpan<char> text, int i, bool ignoreCase)
    {
        if (i + 1 >= text.Length) return 0;
        var first = Fold(text[i + 1], ignoreCase);
        if (first is 's' or 't' or 'm' or 'd') return 2;
        if (i + 2 >= text.Length) return 0;
        var second = Fold(text[i + 2], ignoreCase);
        return (first, second) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? 3 : 0;
    }

    private static char Fold(char c, bool ignoreCase) => !ignoreCase ? c
        : c == '\u017F' ? 's'
        : char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
}

/// <summary>
/// <see cref="SplitPatterns.Cl100k"/>:
/// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
/// </summary>
internal sealed class Cl100kScanner() : Scanner(SplitPatterns.Cl100k)
{
    public override int NextLength(ReadOnlySpan<char> text, int start)
    {
        if (text[start] == '\'' && ContractionLength(text, start, ignoreCase: true) is > 0 and var contraction) return contraction;

        var first = ScalarClasses.At(text, start, out var width);
        var second = ClassAt(text, start + width, out var secondWidth, ScalarClass.LineBreak);

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (first == ScalarClass.Letter) return RunEnd(text, start + width, ScalarClass.Letter) - start;
        if (first is ScalarClass.Other or ScalarClass.Space && second == ScalarClass.Letter)
            return RunEnd(text, start + width + secondWidth, ScalarClass.Letter) - start;

        // \p{N}{1,3}
        if (first == ScalarClass.Number)
        {
            var end = start + width;
            for (var more = 0; more < 2 && ClassAt(text, end, out var w, ScalarClass.Other) == ScalarClass.Number; more++) end += w;
            return end - start;
        }

        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        var symbols = first == ScalarClass.Other ? start
            : text[start] == ' ' && second == ScalarClass.Other ? start + 1
            : -1;
        if (symbols >= 0)
        {
            var end = RunEnd(text, symbols, ScalarClass.Other);
            while (end < text.Length && text[end] is '\r' or '\n') end++;
            return end - start;
        }

        // What is left starts with whitespace. \s*[\r\n]+ : up to the run's last line break.
        var runEnd = WhitespaceEnd(text, start);
        var lastBreak = text[start..runEnd].LastIndexOfAny('\r', '\n');
        if (lastBreak >= 0) return lastBreak + 1;

        // \s+(?!\S)|\s+
        return TrailingWhitespaceLength(text, start, runEnd);
    }
}

/// <summary>
/// <see cref="SplitPatterns.Gpt2"/>:
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> (case-sensitive).
/// </summary>
internal sealed class Gpt2Scanner() : Scanner(SplitPatterns.Gpt2)
{
    public override int NextLength(ReadOnlySpan<char> text, int start)
    {
        if (text[start] == '\'' && ContractionLength(text, start, ignoreCase: false) is > 0 and var contraction) return contraction;

        // " ?X+" for X in letters, numbers, others: an optional space, then a run of one class.
        var first = ScalarClasses.At(text, start, out var width);
        if (first is ScalarClass.Letter or ScalarClass.Number or ScalarClass.Other)
            return RunEnd(text, start + width, first) - start;
        if (text[start] == ' ')
        {
            var second = ClassAt(text, start + 1, out var secondWidth, ScalarClass.Space);
            if (second is ScalarClass.Letter or ScalarClass.Number or ScalarClass.Other)
                return RunEnd(text, start + 1 + secondWidth, second) - start;
        }

        // \s+(?!\S)|\s+
        return TrailingWhitespaceLength(text, start, WhitespaceEnd(text, start));
    }
}
