namespace FineTune.Tokenizers.Tests;

public class ByteLevelTests
{
    [Theory]
    [InlineData(0x20, '\u0120')]  // space is 'Ġ'
    [InlineData(0x0A, '\u010A')]  // newline is 'Ċ'
    [InlineData(0x00, '\u0100')]  // the first remapped byte
    [InlineData(0x7F, '\u0121')]  // DEL follows the 33 controls and space
    [InlineData(0xAD, '\u0143')]  // soft hyphen, the last remapped byte: 'Ń'
    [InlineData((int)'A', 'A')]
    [InlineData(0xE9, '\u00E9')]
    public void Bytes_map_to_gpt2_characters(int b, char expected)
    {
        Assert.Equal(expected, ByteLevel.ToChar((byte)b));
        Assert.True(ByteLevel.TryToByte(expected, out var back));
        Assert.Equal((byte)b, back);
    }

    [Fact]
    public void All_bytes_round_trip_through_distinct_characters()
    {
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var text = ByteLevel.Encode(all);
        Assert.Equal(256, text.Distinct().Count());
        Assert.Equal(all, ByteLevel.Decode(text));
        Assert.False(ByteLevel.TryDecode("a b", out _));   // a literal space is not in the alphabet
    }
}
