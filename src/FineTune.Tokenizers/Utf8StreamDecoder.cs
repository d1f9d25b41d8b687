using System.Text;

namespace FineTune.Tokenizers;

/// <summary>
/// Decodes UTF-8 arriving in pieces, emitting only complete characters: a sequence cut at the end
/// of one piece is held back until the next completes it. Ill-formed bytes become U+FFFD as in
/// <see cref="Tokenizer.Decode"/>, so the concatenated output equals decoding everything at once.
/// </summary>
public sealed class Utf8StreamDecoder
{
    private readonly Decoder _decoder = Utf8Text.Replacing.GetDecoder();
    private char[] _chars = new char[64];

    /// <summary>The characters completed by <paramref name="bytes"/> (possibly empty).</summary>
    public string Append(ReadOnlySpan<byte> bytes) => Convert(bytes, flush: false);

    /// <summary>Ends the stream: bytes still held back (an incomplete sequence) come out as U+FFFD.</summary>
    public string Flush() => Convert([], flush: true);

    private string Convert(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = _decoder.GetCharCount(bytes, flush);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        var written = _decoder.GetChars(bytes, _chars, flush);
        return written == 0 ? string.Empty : new string(_chars, 0, written);
    }
}

/// <summary>Turns generated ids into text one id at a time; see <see cref="Utf8StreamDecoder"/>.</summary>
public sealed class TokenStreamDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly Utf8StreamDecoder _utf8 = new();

    internal TokenStreamDecoder(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>The text completed by <paramref name="id"/> (empty while a character is still incomplete).</summary>
    public string Append(int id) => _skipSpecialTokens && _tokenizer.IsSpecial(id)
        ? string.Empty
        : _utf8.Append(_tokenizer.TokenBytes(id));

    /// <summary>Ends the stream; held-back bytes of an incomplete character come out as U+FFFD.</summary>
    public string Flush() => _utf8.Flush();
}
