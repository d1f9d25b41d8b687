namespace FineTune.Tokenizers.Tests;

/// <summary>cl100k_base against the ids tiktoken's Rust core produced (Fixtures/README.md).</summary>
public class TiktokenParityTests
{
    [Fact]
    public void Mixed_fixture_encodes_to_tiktoken_ids()
    {
        var ids = Fixtures.Cl100k.Encode(Fixtures.MixedText, SpecialTokenPolicy.AsText);
        var expected = Fixtures.MixedIds;
        var first = 0;
        while (first < Math.Min(ids.Length, expected.Length) && ids[first] == expected[first]) first++;
        Assert.True(first == expected.Length && ids.Length == expected.Length,
            $"first difference at id {first} of {expected.Length} (got {ids.Length}), near " +
            $"'{Fixtures.Cl100k.Decode(expected.AsSpan(Math.Max(0, first - 3), Math.Min(8, expected.Length - Math.Max(0, first - 3))))}'");
    }

    [Fact]
    public void Mixed_fixture_ids_decode_to_the_text()
    {
        Assert.Equal(Fixtures.MixedText, Fixtures.Cl100k.Decode(Fixtures.MixedIds));
    }

    [Fact]
    public void Short_cases_match_tiktoken_ordinary_and_with_special_tokens_allowed()
    {
        foreach (var c in Fixtures.Cases)
        {
            Assert.True(c.Ordinary.SequenceEqual(Fixtures.Cl100k.Encode(c.Text, SpecialTokenPolicy.AsText)), $"ordinary: {c.Text}");
            Assert.True(c.AllSpecial.SequenceEqual(Fixtures.Cl100k.Encode(c.Text, SpecialTokenPolicy.Recognize)), $"all special: {c.Text}");
        }
    }

    [Fact]
    public void Hello_world_is_two_known_tokens()
    {
        // Published cl100k_base example.
        Assert.Equal([15339, 1917], Fixtures.Cl100k.Encode("hello world"));
    }

    [Theory]
    [InlineData("<|endoftext|>", 100257)]
    [InlineData("<|fim_prefix|>", 100258)]
    [InlineData("<|fim_middle|>", 100259)]
    [InlineData("<|fim_suffix|>", 100260)]
    [InlineData("<|endofprompt|>", 100276)]
    public void Special_tokens_have_their_ids(string token, int id)
    {
        Assert.Equal(id, Fixtures.Cl100k.SpecialTokens[token]);
        Assert.Equal(id, Fixtures.Cl100k.TokenToId(token));
        Assert.Equal(token, Fixtures.Cl100k.IdToToken(id));
        Assert.True(Fixtures.Cl100k.IsSpecial(id));
        Assert.Equal([id], Fixtures.Cl100k.Encode(token, SpecialTokenPolicy.Recognize));
    }

    [Fact]
    public void Refuse_throws_on_special_text_and_names_it()
    {
        var error = Assert.Throws<DisallowedSpecialTokenException>(() => Fixtures.Cl100k.Encode("abc <|fim_middle|> def"));
        Assert.Equal("<|fim_middle|>", error.Token);
        Assert.Equal(4, error.Index);
        Assert.Equal(Fixtures.Cl100k.Encode("abc def"), Fixtures.Cl100k.Encode("abc def", SpecialTokenPolicy.Refuse));
    }

    [Fact]
    public void As_text_encodes_special_text_as_plain_tokens_that_decode_back()
    {
        var ids = Fixtures.Cl100k.Encode("<|endoftext|>", SpecialTokenPolicy.AsText);
        Assert.True(ids.Length > 1);
        Assert.DoesNotContain(100257, ids);
        Assert.Equal("<|endoftext|>", Fixtures.Cl100k.Decode(ids));
    }

    [Fact]
    public void Vocabulary_size_covers_the_last_special_token_and_gaps_have_no_token()
    {
        Assert.Equal(100277, Fixtures.Cl100k.VocabSize);
        Assert.Null(Fixtures.Cl100k.IdToToken(100256));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fixtures.Cl100k.Decode([100256]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fixtures.Cl100k.Decode([-1]));
    }

    [Fact]
    public void Skip_special_tokens_on_decode_drops_only_them()
    {
        var ids = Fixtures.Cl100k.Encode("a<|endoftext|>b", SpecialTokenPolicy.Recognize);
        Assert.Equal("a<|endoftext|>b", Fixtures.Cl100k.Decode(ids));
        Assert.Equal("ab", Fixtures.Cl100k.Decode(ids, skipSpecialTokens: true));
    }
}
