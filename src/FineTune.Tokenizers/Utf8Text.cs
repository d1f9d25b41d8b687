using System.Text;

namespace FineTune.Tokenizers;

/// <summary>UTF-8 conversions with the replacement behaviour the tokenizer promises.</summary>
internal static class Utf8Text
{
    // .NET's UTF8Encoding replaces each maximal subpart of an ill-formed sequence with one U+FFFD
    // (Unicode §3.9 "best practice", the same as Rust's from_utf8_lossy and Python's "replace");
    // tests check this against Unicode's Table 3-8 example and against node's TextDecoder.
    public static readonly UTF8Encoding Replacing = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static string DecodeWithReplacement(ReadOnlySpan<byte> bytes) => Replacing.GetString(bytes);

    /// <summary>UTF-8 of text, a lone surrogate becoming EF BF BD (U+FFFD).</summary>
    public static int Encode(ReadOnlySpan<char> text, Span<byte> destination) => Replacing.GetBytes(text, destination);

    public static int MaxByteCount(int chars) => checked(chars * 3 + 3);
}
