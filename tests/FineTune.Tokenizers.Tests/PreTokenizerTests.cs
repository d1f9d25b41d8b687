using FineTune.Tokenizers.PreTokenization;

namespace FineTune.Tokenizers.Tests;

/// <summary>The hand-written scanners against the regex they stand for (run as a reference on .NET's engine).</summary>
public class PreTokenizerTests
{
    public static TheoryData<string> Patterns => [SplitPatterns.Cl100k, SplitPatterns.Gpt2];

    private static (PreTokenizer Scanner, PreTokenizer Regex) Both(string pattern)
    {
        var scanner = PreTokenizer.Create(pattern);
        Assert.IsAssignableFrom<Scanner>(scanner);
        return (scanner, new RegexPreTokenizer(pattern));
    }

    private static void AssertSameSplit(PreTokenizer expected, PreTokenizer actual, string text)
    {
        var want = expected.Split(text);
        var got = actual.Split(text);
        if (want.SequenceEqual(got)) return;
        var first = 0;
        while (first < Math.Min(want.Count, got.Count) && want[first] == got[first]) first++;
        Assert.Fail($"split differs at piece {first}: regex '{Escape(want.ElementAtOrDefault(first))}', scanner '{Escape(got.ElementAtOrDefault(first))}' in '{Escape(text)}'");
    }

    private static string Escape(string? s) => s is null ? "<none>" : string.Concat(s.Select(c => c < 0x20 || c > 0x7e ? $"\\u{(int)c:X4}" : c.ToString()));

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Scanner_equals_regex_on_the_mixed_fixture(string pattern)
    {
        var (scanner, regex) = Both(pattern);
        AssertSameSplit(regex, scanner, Fixtures.MixedText);
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Scanner_equals_regex_on_random_adversarial_strings(string pattern)
    {
        var (scanner, regex) = Both(pattern);
        var random = new Random(1234);
        for (var i = 0; i < 3000; i++) AssertSameSplit(regex, scanner, RandomText.Next(random, 12, loneSurrogates: true));
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Scanner_equals_regex_for_every_BMP_character_in_context(string pattern)
    {
        // Each character alone and between the neighbours each alternative reacts to.
        var (scanner, regex) = Both(pattern);
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var s = ((char)c).ToString();
            foreach (var text in new[] { s, $" {s}a", $"'{s}{s}1", $"  {s}\n", $"a{s}{s}!" })
                AssertSameSplit(regex, scanner, text);
        }
    }

    [Fact]
    public void Splits_follow_the_cl100k_regex()
    {
        // Worked out from the pattern by hand: contractions, the optional non-letter before a
        // word, three-digit groups, punctuation keeping its line breaks, a whitespace run giving
        // its last space to the next word.
        var cl100k = PreTokenizer.Create(SplitPatterns.Cl100k);
        Assert.Equal(["Hello", ",", " world", "!"], cl100k.Split("Hello, world!"));
        Assert.Equal(["I", "'m", " done", "'S"], cl100k.Split("I'm done'S"));
        Assert.Equal(["123", "456", "7", " ", "89"], cl100k.Split("1234567 89"));
        Assert.Equal(["x", "  ", " y", "\n\n", "z"], cl100k.Split("x   y\n\nz"));
        Assert.Equal(["a", " \n", "  ", " b"], cl100k.Split("a \n   b"));
        Assert.Equal(["x", ");\n", "y"], cl100k.Split("x);\ny"));
        Assert.Equal(["\tfoo", "  "], cl100k.Split("\tfoo  "));
        Assert.Equal(["'ſ", "x"], cl100k.Split("'ſx"));   // Rust's case folding: ſ is an 's'
        Assert.Equal(["😀abc"], cl100k.Split("😀abc"));    // one astral symbol before letters
        Assert.Equal(["𝟏𝟐𝟑", "𝟒"], cl100k.Split("𝟏𝟐𝟑𝟒"));  // astral digits count as one each
    }

    [Fact]
    public void Splits_follow_the_gpt2_regex()
    {
        var gpt2 = PreTokenizer.Create(SplitPatterns.Gpt2);
        Assert.Equal(["Hello", ",", " world", "!"], gpt2.Split("Hello, world!"));
        Assert.Equal(["I", "'m", " done", "'", "S"], gpt2.Split("I'm done'S"));
        Assert.Equal(["1234567", " 89"], gpt2.Split("1234567 89"));
        Assert.Equal(["x", "  ", " y", "\n", "\n", "z"], gpt2.Split("x   y\n\nz"));
        Assert.Equal(["'", "ſx"], gpt2.Split("'ſx"));     // case-sensitive: no contraction
    }

    [Fact]
    public void A_lone_surrogate_splits_as_the_replacement_character()
    {
        var cl100k = PreTokenizer.Create(SplitPatterns.Cl100k);
        // A low surrogate then a high one: two lone surrogates, not a pair.
        var lone = cl100k.Split("ab \uDC00\uD800cd");
        Assert.Equal(["ab", " \uFFFD\uFFFD", "cd"], lone.Select(p => p.Replace('\uDC00', '\uFFFD').Replace('\uD800', '\uFFFD')));
        Assert.Equal(["ab", " \uFFFD\uFFFD", "cd"], cl100k.Split("ab \uFFFD\uFFFDcd"));
    }

    [Fact]
    public void Other_patterns_run_on_the_regex_engine_and_keep_unmatched_text()
    {
        var digits = PreTokenizer.Create(@"\d+");
        Assert.IsNotAssignableFrom<Scanner>(digits);
        Assert.Equal(["ab", "12", "c", "3"], digits.Split("ab12c3"));
    }

    [Fact]
    public void Regex_engine_counts_astral_characters_once()
    {
        Assert.Equal(["𝐀𝐁", "𝐂"], PreTokenizer.Create(@"\p{L}{1,2}").Split("𝐀𝐁𝐂"));
    }

    [Fact]
    public void Case_insensitive_letter_groups_are_spelled_out_with_unicode_folds()
    {
        Assert.Equal("(?:'[sSſ]|'[rR][eE])|x", RegexPreTokenizer.SpellOutCaseInsensitiveGroups("(?i:'s|'re)|x"));
        Assert.Equal(@"(?i:\d)", RegexPreTokenizer.SpellOutCaseInsensitiveGroups(@"(?i:\d)"));
    }
}
