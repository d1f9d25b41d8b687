using System.Text;

namespace FineTune.Tokenizers.Tests;

/// <summary>Decoding with replacement: one U+FFFD per maximal ill-formed subpart, also when streamed.</summary>
public class Utf8Tests
{
    [Fact]
    public void Unicode_table_3_8_example_decodes_with_maximal_subparts()
    {
        // The Unicode Standard, §3.9, Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64
        // -> a FFFD FFFD FFFD b FFFD c FFFD FFFD d.
        var bytes = new byte[] { 0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64 };
        Assert.Equal("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd", Decode(bytes));
    }

    [Fact]
    public void Random_byte_strings_decode_as_a_whatwg_decoder_does()
    {
        foreach (var row in Fixtures.Utf8Rows)
            Assert.Equal(string.Concat(row.CodePoints.Select(char.ConvertFromUtf32)), Decode(row.Bytes));
    }

    private static string Decode(byte[] bytes)
    {
        // Through the tokenizer: with the 256 single-byte tokens, ids are bytes.
        var ids = bytes.Select(b => Fixtures.Cl100k.BytesToId([b])!.Value).ToArray();
        return Fixtures.Cl100k.Decode(ids);
    }

    [Fact]
    public void Streaming_decoder_emits_only_complete_characters_and_ends_equal_to_one_shot()
    {
        var random = new Random(5);
        foreach (var row in Fixtures.Utf8Rows)
        {
            var decoder = new Utf8StreamDecoder();
            var output = new StringBuilder();
            for (var at = 0; at < row.Bytes.Length;)
            {
                var take = random.Next(1, 4);
                take = Math.Min(take, row.Bytes.Length - at);
                output.Append(decoder.Append(row.Bytes.AsSpan(at, take)));
                at += take;
            }
            output.Append(decoder.Flush());
            Assert.Equal(string.Concat(row.CodePoints.Select(char.ConvertFromUtf32)), output.ToString());
        }
    }

    [Fact]
    public void Streaming_decoder_holds_back_a_split_character()
    {
        var decoder = new Utf8StreamDecoder();
        Assert.Equal("a", decoder.Append([0x61, 0xE2, 0x82]));   // '€' is E2 82 AC
        Assert.Equal("€", decoder.Append([0xAC]));
        Assert.Equal("", decoder.Append([0xF0, 0x9F]));
        Assert.Equal("\uFFFD", decoder.Flush());                 // cut off for good
    }

    [Fact]
    public void Token_stream_decoder_rebuilds_text_whose_characters_span_tokens()
    {
        var text = "日本語 👨‍👩‍👧‍👦 ok";
        var ids = Fixtures.Cl100k.Encode(text);
        var decoder = Fixtures.Cl100k.CreateStreamDecoder();
        var pieces = ids.Select(decoder.Append).ToList();
        pieces.Add(decoder.Flush());
        Assert.Equal(text, string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Contains(pieces, p => p.Length == 0);   // some token ended mid-character
    }
}
