using System.Security.Cryptography;
using System.Text;
using FineTune.Curation.Deduplication;

namespace FineTune.Curation.Tests;

public sealed class ExactDuplicateSpecs
{
    // the normalization as the near-duplicate shingling first defined it: invariant lower case, whitespace runs collapsed, ends trimmed
    private static string Normalized(string text) => string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Case_and_whitespace_variants_are_grouped_and_distinct_texts_are_kept_apart()
    {
        string[] texts = ["The kettle leaks", "Refund please", "THE  KETTLE\tleaks ", "the kettle leak", " the kettle leaks", "refund\nPLEASE", "The kettle leaks!"];

        var groups = ExactDuplicates.Groups(texts);

        Assert.Equal([[0, 2, 4], [1, 5]], groups.Select(g => g.ToArray()).ToArray());
    }

    [Fact]
    public void Groups_match_grouping_by_normalized_text_across_many_texts()
    {
        var random = new Random(5);
        string[] words = ["kettle", "lid", "leaks", "refund", "late", "parcel"];
        var texts = new List<string>();
        for (var i = 0; i < 5000; i++)
        {
            if (i > 0 && random.Next(4) == 0)
            {
                var earlier = texts[random.Next(i)];
                texts.Add(random.Next(2) == 0 ? earlier.ToUpperInvariant() : $"  {earlier.Replace(" ", " \t ")}\n");
            }
            else texts.Add(string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)])));
        }
        var expected = Enumerable.Range(0, texts.Count).GroupBy(i => Normalized(texts[i])).Where(g => g.Count() > 1)
            .Select(g => g.ToArray()).OrderBy(g => g[0]).ToArray();

        var groups = ExactDuplicates.Groups(texts);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, groups.Select(g => g.ToArray()).ToArray());
    }

    [Fact]
    public void No_texts_have_no_groups() => Assert.Empty(ExactDuplicates.Groups([]));

    [Fact]
    public void Texts_differing_only_in_a_lone_surrogate_are_not_duplicates() =>
        Assert.Empty(ExactDuplicates.Groups(["kettle \uD800", "kettle \uD801"]));

    [Fact]
    public void The_normalized_hash_is_the_sha_256_of_the_normalized_utf_16_text_in_hex()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.Unicode.GetBytes("the kettle leaks")));

        Assert.Equal(expected, ExactDuplicates.NormalizedHash("  The KETTLE\r\nleaks "));
        Assert.NotEqual(expected, ExactDuplicates.NormalizedHash("the kettle leak"));
    }

    [Theory]
    [InlineData("  The\tKettle \u00A0 LEAKS \r\n")]
    [InlineData("\u2003\u3000")]
    [InlineData("")]
    [InlineData("İstanbul ǅemal ΣΟΦΊΑ")]
    [InlineData("\U00010400\U00010401 DESERET")] // upper-case letters outside the BMP, lower-cased as surrogate pairs
    [InlineData("lone \uD800 surrogate")]
    public void Normalization_lower_cases_and_collapses_whitespace_as_split_and_join_define_it(string text) =>
        Assert.Equal(Normalized(text), TextNormalization.Normalize(text));
}
