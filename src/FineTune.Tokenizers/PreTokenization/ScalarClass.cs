using System.Globalization;
using System.Runtime.CompilerServices;

namespace FineTune.Tokenizers.PreTokenization;

/// <summary>The classes of Unicode scalar the split patterns distinguish.</summary>
internal enum ScalarClass : byte
{
    /// <summary>Neither letter, number nor whitespace: <c>[^\s\p{L}\p{N}]</c>.</summary>
    Other,
    /// <summary><c>\p{L}</c>.</summary>
    Letter,
    /// <summary><c>\p{N}</c>.</summary>
    Number,
    /// <summary><c>\s</c> other than CR and LF.</summary>
    Space,
    /// <summary>CR or LF (also <c>\s</c>).</summary>
    LineBreak,
}

/// <summary>
/// Classifies the scalar at a UTF-16 position the way the split regexes see it on Unicode scalar
/// values (as tiktoken's Rust regex does): a surrogate pair is one scalar of the astral plane's
/// category, a lone surrogate is U+FFFD (what it becomes in UTF-8).
/// </summary>
internal static class ScalarClasses
{
    private static readonly ScalarClass[] Ascii = BuildAscii();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarClass At(ReadOnlySpan<char> text, int i, out int width)
    {
        var c = text[i];
        if (c < 128)
        {
            width = 1;
            return Ascii[c];
        }
        return NonAscii(text, i, out width);
    }

    private static ScalarClass NonAscii(ReadOnlySpan<char> text, int i, out int width)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            return FromCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1])));
        }
        width = 1;
        if (char.IsSurrogate(c)) return ScalarClass.Other;  // lone: U+FFFD, a symbol
        if (c == '\u0085') return ScalarClass.Space;        // NEL: a control that \s includes
        return FromCategory(CharUnicodeInfo.GetUnicodeCategory(c));
    }

    public static ScalarClass Of(int scalar) => scalar < 128
        ? Ascii[scalar]
        : scalar == 0x85 ? ScalarClass.Space : FromCategory(CharUnicodeInfo.GetUnicodeCategory(scalar));

    private static ScalarClass FromCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => ScalarClass.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => ScalarClass.Number,
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => ScalarClass.Space,
        _ => ScalarClass.Other,
    };

    private static ScalarClass[] BuildAscii()
    {
        var table = new ScalarClass[128];
        for (var c = 0; c < 128; c++)
            table[c] = c is '\r' or '\n' ? ScalarClass.LineBreak
                : c is ' ' or '\t' or '\v' or '\f' ? ScalarClass.Space
                : char.IsAsciiLetter((char)c) ? ScalarClass.Letter
                : char.IsAsciiDigit((char)c) ? ScalarClass.Number
                : ScalarClass.Other;
        return table;
    }
}
