using System.Text.Json;
using System.Text.RegularExpressions;
using FineTune.Curation.Cleaning;
using FineTune.Testing;

namespace FineTune.Curation.Tests;

public sealed partial class AbbreviationExpanderSpecs
{
    private static readonly AbbreviationExpander Medical = AbbreviationDictionaries.Build(["medical"], new Dictionary<string, string>())!;

    [Theory]
    [InlineData("pt w/ hx of DM denies HA.", "patient with history of diabetes mellitus denies headache.", 5)]
    [InlineData("Pt c/o SOB w/o fever.", "Patient complains of shortness of breath without fever.", 4)]
    [InlineData("s/p CABG, r/o MI.", "status post coronary artery bypass graft, rule out myocardial infarction.", 4)]
    public void Abbreviations_expand_whole_word_and_keep_a_capital_first_letter(string note, string expected, int count)
    {
        Assert.Equal(expected, Medical.Expand(note, out var expanded));
        Assert.Equal(count, expanded);
    }

    [Theory]
    [InlineData("mi casa es su casa")]       // MI is written in capitals; "mi" is another word
    [InlineData("The ptosis and the HTNx")]  // inside longer words nothing matches
    [InlineData("Use the ED25519 key")]      // ED followed by digits is not the emergency department
    public void Words_that_only_contain_or_resemble_an_abbreviation_stay(string text)
    {
        Assert.Equal(text, Medical.Expand(text, out var expanded));
        Assert.Equal(0, expanded);
    }

    /// <summary>
    /// The clinical_notes sample pairs each note with its expansion; with the shipped dictionary the
    /// expander reproduces the reference exactly for every note without a dose (the generator also
    /// spaces "81mg" as "81 mg", which is unit formatting, not an abbreviation).
    /// </summary>
    [Fact]
    public void The_shipped_dictionary_reproduces_the_sample_tasks_expansions()
    {
        var lines = File.ReadLines(RepositoryFiles.PathOf("samples", "tasks", "clinical_notes", "train.jsonl")).ToList();
        var checkedNotes = 0;
        foreach (var line in lines)
        {
            var messages = JsonDocument.Parse(line).RootElement.GetProperty("messages");
            var note = messages[1].GetProperty("content").GetString()!;
            if (Dose().IsMatch(note)) continue;
            Assert.Equal(messages[2].GetProperty("content").GetString(), Medical.Expand(note, out _));
            checkedNotes++;
        }
        Assert.True(checkedNotes > lines.Count / 3, $"only {checkedNotes} of {lines.Count} notes were checked");
    }

    [Fact]
    public void A_user_dictionary_with_a_bad_line_is_refused_naming_the_line()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "legal.tsv");
        File.WriteAllLines(path, ["# legal", "LLC\tlimited liability company", "NDA non-disclosure agreement"]);

        var error = Assert.Throws<InvalidDataException>(() => AbbreviationExpander.FromTsv(path));

        Assert.Contains("legal.tsv:3: expected 'abbreviation<TAB>expansion'", error.Message);
    }

    [GeneratedRegex(@"\dmg\b")]
    private static partial Regex Dose();
}
