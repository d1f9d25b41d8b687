namespace FineTune.Tokenizers;

/// <summary>
/// GPT-2's reversible map from bytes to printable characters (<c>bytes_to_unicode</c>), which
/// Hugging Face byte-level vocabularies are written in: printable Latin-1 bytes stand for
/// themselves, the other 68 bytes (controls, space, 0x7F–0xA0, soft hyphen) take U+0100 onward
/// in byte order, so a space is 'Ġ' (U+0120) and a newline 'Ċ' (U+010A).
/// </summary>
public static class ByteLevel
{
    private static readonly char[] ByteToCharTable = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByteTable = BuildCharToByte();

    /// <summary>The character that stands for <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => ByteToCharTable[b];

    /// <summary>The byte <paramref name="c"/> stands for; false when it stands for none.</summary>
    public static bool TryToByte(char c, out byte b) => CharToByteTable.TryGetValue(c, out b);

    /// <summary>Bytes to their vocabulary string.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++) chars[i] = ByteToCharTable[source[i]];
        });
    }

    /// <summary>A vocabulary string back to bytes; false when a character stands for no byte.</summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
            if (!CharToByteTable.TryGetValue(text[i], out bytes[i])) return false;
        return true;
    }

    /// <summary>A vocabulary string back to bytes; throws when a character stands for no byte.</summary>
    public static byte[] Decode(string text) => TryDecode(text, out var bytes)
        ? bytes
        : throw new ArgumentException($"'{text}' contains a character that is not in the byte-level alphabet.", nameof(text));

    // Printable bytes keep their code point; the rest are numbered from 256 in byte order.
    private static bool StandsForItself(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++) table[b] = StandsForItself(b) ? (char)b : (char)next++;
        return table;
    }

    private static Dictionary<char, byte> BuildCharToByte()
    {
        var map = new Dictionary<char, byte>(256);
        for (var b = 0; b < 256; b++) map[ByteToCharTable[b]] = (byte)b;
        return map;
    }
}
