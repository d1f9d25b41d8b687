using FineTune.Curation.Augmentation;

namespace FineTune.Curation.Tests;

/// <summary>Loads the installed WordNet once for a test class.</summary>
public sealed class WordNetFixture : IDisposable
{
    public WordNetSynonyms Synonyms { get; } = WordNetSynonyms.Load();

    public void Dispose() => Synonyms.Dispose();
}

public sealed class WordNetSynonymsSpecs(WordNetFixture wordNet) : IClassFixture<WordNetFixture>
{
    private readonly WordNetSynonyms _synonyms = wordNet.Synonyms;

    [Fact]
    public void Car_gives_the_other_lemmas_of_its_most_frequent_sense() =>
        Assert.Equal(["auto", "automobile", "machine", "motorcar"], _synonyms.For("car"));

    [Fact]
    public void Lookup_ignores_case() =>
        Assert.Equal(_synonyms.For("car"), _synonyms.For("Car"));

    [Fact]
    public void Multi_word_lemmas_come_with_spaces()
    {
        var synonyms = _synonyms.For("movie");

        Assert.Contains("moving picture", synonyms);
        Assert.Contains("motion-picture show", synonyms);
        Assert.DoesNotContain(synonyms, s => s.Contains('_'));
    }

    [Fact]
    public void A_multi_word_phrase_is_looked_up_as_its_lemma() =>
        Assert.Contains("moving picture", _synonyms.For("motion picture"));

    [Fact]
    public void Adjective_position_markers_are_stripped() =>
        Assert.Equal(["galore"], _synonyms.For("abounding")); // WordNet writes it "galore(ip)"

    [Fact]
    public void Each_part_of_speech_contributes_its_most_frequent_sense_nouns_first()
    {
        // "can": the noun's first sense is the container, the verb's is preserving in a can
        var synonyms = _synonyms.For("can");

        Assert.Equal(["tin", "tin can"], synonyms.Take(2));
        Assert.True(synonyms.Count > 2, string.Join(", ", synonyms));
        Assert.Equal(synonyms.Count, synonyms.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    /// <summary>"felicitous" and "glad" share happy's second and third adjective senses, which For does not reach.</summary>
    [Fact]
    public void Happy_has_no_synonym_because_its_most_frequent_sense_holds_it_alone() =>
        Assert.Empty(_synonyms.For("happy"));

    [Fact]
    public void An_unknown_word_has_no_synonyms() =>
        Assert.Empty(_synonyms.For("qwzxvplink"));

    [Fact]
    public void A_folder_without_wordnet_names_the_missing_file_and_how_to_install_it()
    {
        var folder = Directory.CreateTempSubdirectory("wordnet-");
        try
        {
            // every file but one is there, so the message must name that one
            foreach (var name in new[] { "index.noun", "index.verb", "index.adj", "index.adv", "data.noun", "data.verb", "data.adj" })
                File.WriteAllText(Path.Combine(folder.FullName, name), "");

            var error = Assert.Throws<FileNotFoundException>(() => WordNetSynonyms.Load(folder.FullName));

            Assert.Contains("data.adv", error.Message);
            Assert.Contains("scripts/install-dependencies.sh installs wordnet-base", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
