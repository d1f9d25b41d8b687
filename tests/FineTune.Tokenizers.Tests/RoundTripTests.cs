using System.Text;

namespace FineTune.Tokenizers.Tests;

/// <summary>encode then decode gives back the input: text for text, bytes for bytes.</summary>
public class RoundTripTests
{
    [Fact]
    public void Random_strings_round_trip_through_cl100k()
    {
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var text = RandomText.Next(random, 20);
            Assert.Equal(text, Fixtures.Cl100k.Decode(Fixtures.Cl100k.Encode(text, SpecialTokenPolicy.AsText)));
        }
    }

    [Fact]
    public void Random_strings_round_trip_through_a_merge_list_tokenizer()
    {
        var tokenizer = SmallTokenizers.Trained();
        var random = new Random(43);
        for (var i = 0; i < 2000; i++)
        {
            var text = RandomText.Next(random, 20);
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, SpecialTokenPolicy.AsText)));
        }
    }

    [Fact]
    public void A_lone_surrogate_is_encoded_as_the_replacement_character()
    {
        // A lone surrogate has no UTF-8 form; like .NET's and Python's encoders with replacement,
        // it becomes U+FFFD, and decodes as U+FFFD.
        var ids = Fixtures.Cl100k.Encode("a\uD83Db");
        Assert.Equal(Fixtures.Cl100k.Encode("a\uFFFDb"), ids);
        Assert.Equal("a\uFFFDb", Fixtures.Cl100k.Decode(ids));
        Assert.Equal("x\uFFFD", Fixtures.Cl100k.Decode(Fixtures.Cl100k.Encode("x\uDC00")));
    }

    [Fact]
    public void Arbitrary_bytes_round_trip_through_EncodeBytes_and_DecodeBytes()
    {
        var random = new Random(44);
        foreach (var tokenizer in new[] { Fixtures.Cl100k, SmallTokenizers.Trained() })
        {
            for (var i = 0; i < 2000; i++)
            {
                var bytes = new byte[random.Next(0, 40)];
                random.NextBytes(bytes);
                if (i % 3 == 0) bytes = [.. bytes, .. Encoding.UTF8.GetBytes(RandomText.Next(random, 5))];
                Assert.Equal(bytes, tokenizer.DecodeBytes(tokenizer.EncodeBytes(bytes)));
            }
        }
    }

    [Fact]
    public void EncodeBytes_of_valid_utf8_equals_encoding_the_text()
    {
        var text = "Hello, wörld 😀\n\n  indented";
        Assert.Equal(Fixtures.Cl100k.Encode(text), Fixtures.Cl100k.EncodeBytes(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Encoding_into_a_list_appends_and_count_agrees()
    {
        var ids = new List<int> { -7 };
        Fixtures.Cl100k.Encode("hello world".AsSpan(), ids);
        Assert.Equal([-7, 15339, 1917], ids);
        Assert.Equal(2, Fixtures.Cl100k.CountTokens("hello world"));
    }

    [Fact]
    public void Encoding_is_safe_from_several_threads_at_once()
    {
        var text = Fixtures.MixedText[..20_000];
        var expected = Fixtures.Cl100k.Encode(text, SpecialTokenPolicy.AsText);
        Parallel.For(0, 8, _ => Assert.Equal(expected, Fixtures.Cl100k.Encode(text, SpecialTokenPolicy.AsText)));
    }
}
