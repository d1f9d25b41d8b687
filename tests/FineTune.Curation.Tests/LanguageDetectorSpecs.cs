using FineTune.Curation.Filtering;

namespace FineTune.Curation.Tests;

public sealed class LanguageDetectorSpecs
{
    [Theory]
    [InlineData("en", "The weather is nice today and we are going to the park with our children.")]
    [InlineData("de", "Der Hund ist heute nicht mit uns in den Park gegangen, weil es regnet.")]
    [InlineData("fr", "Le chat est sur la table et il ne veut pas descendre pour manger.")]
    [InlineData("es", "El perro come la comida en la casa de mi abuela porque tiene hambre.")]
    [InlineData("it", "Il gatto è sul tavolo e non vuole scendere per mangiare la cena.")]
    [InlineData("nl", "De hond is vandaag niet met ons naar het park gegaan omdat het regent.")]
    [InlineData("pt", "O menino comeu a maçã e foi para casa com a mãe dele.")]
    [InlineData("sv", "Hunden är inte hemma och jag vet inte var han har gått.")]
    public void A_short_sentence_is_detected_in_its_language(string language, string text)
    {
        var (detected, confidence) = LanguageDetector.Detect(text);

        Assert.Equal(language, detected);
        Assert.InRange(confidence, 0.5, 1.0);
    }

    [Fact]
    public void Case_does_not_matter()
    {
        Assert.Equal("en", LanguageDetector.Detect("THE CAT IS ON THE MAT").Language);
    }

    [Theory]
    [InlineData("Thanks, bye")]
    [InlineData("Lorem ipsum dolor sit amet")]
    [InlineData("que de la")]
    public void Two_words_no_known_word_or_a_tie_is_undetermined(string text)
    {
        Assert.Equal(("und", 0.0), LanguageDetector.Detect(text));
    }

    [Fact]
    public void Confidence_is_the_share_of_matched_words_in_the_winners_list()
    {
        // matched: the, we, will (English; "we" is also Dutch) and ist, und (German)
        Assert.Equal(("en", 0.6), LanguageDetector.Detect("the meeting ist morgen und we will arrive"));
    }
}

public sealed class LanguageFilterSpecs
{
    private static readonly LanguageFilter EnglishOnly = new() { Allowed = ["en"] };

    [Fact]
    public void An_allowed_language_is_kept_and_another_is_dropped_with_what_was_detected()
    {
        Assert.True(EnglishOnly.Keeps("The order was shipped to you on Monday and it should be there soon.", out var english));
        Assert.False(EnglishOnly.Keeps("Die Bestellung ist am Montag an Sie verschickt worden und wird bald da sein.", out var german));

        Assert.Equal(("en", "de"), (english, german));
    }

    [Fact]
    public void A_text_too_short_to_judge_is_kept()
    {
        Assert.True(EnglishOnly.Keeps("Danke schön", out var detected));
        Assert.Equal("und", detected);
    }

    [Fact]
    public void No_allowed_languages_keeps_every_text()
    {
        Assert.True(new LanguageFilter().Keeps("Die Bestellung ist am Montag an Sie verschickt worden.", out var detected));
        Assert.Equal("de", detected);
    }

    [Fact]
    public void Another_language_is_dropped_only_from_the_minimum_confidence()
    {
        const string mixed = "der Hund and the cat und die Maus"; // German 3 of 5 matched words: confidence 0.6

        Assert.False((EnglishOnly with { MinConfidence = 0.6 }).Keeps(mixed, out _));
        Assert.True((EnglishOnly with { MinConfidence = 0.7 }).Keeps(mixed, out var detected));
        Assert.Equal("de", detected);
    }

    [Theory]
    [InlineData(1.5, "en", "min_language_confidence")]
    [InlineData(0.5, "english", "languages")]
    public void Validation_names_the_bad_setting(double minConfidence, string language, string setting)
    {
        var filter = new LanguageFilter { Allowed = [language], MinConfidence = minConfidence };

        Assert.Equal(setting, Assert.Throws<ArgumentException>(filter.Validate).ParamName);
    }
}

public sealed class LengthFilterSpecs
{
    private static readonly LengthFilter FiveToTen = new() { MinCharacters = 5, MaxCharacters = 10 };

    [Theory]
    [InlineData("abcd", "shorter than 5 characters (4)")]
    [InlineData("abcde", null)]
    [InlineData("abcdefghij", null)]
    [InlineData("abcdefghijk", "longer than 10 characters (11)")]
    public void Character_limits_are_inclusive_and_the_reason_gives_the_length(string text, string? reason)
    {
        Assert.Equal(reason, FiveToTen.Rejects(text));
    }

    [Fact]
    public void The_defaults_drop_only_empty_and_huge_texts()
    {
        var defaults = new LengthFilter();

        Assert.Equal("shorter than 1 characters (0)", defaults.Rejects(""));
        Assert.Null(defaults.Rejects("a"));
        Assert.Equal("longer than 100000 characters (100001)", defaults.Rejects(new string('a', 100_001)));
    }

    [Theory]
    [InlineData("one", "fewer than 2 tokens (1)")]
    [InlineData("one two", null)]
    [InlineData("one two three", null)]
    [InlineData("one two three four", "more than 3 tokens (4)")]
    public void Token_limits_use_the_given_counter(string text, string? reason)
    {
        var filter = new LengthFilter { MinTokens = 2, MaxTokens = 3, CountTokens = t => t.Split(' ').Length };

        Assert.Equal(reason, filter.Rejects(text));
        Assert.Equal(reason, (filter with { CountTokens = null }).Rejects(text, text.Split(' ').Length));
    }

    [Fact]
    public void Tokens_are_not_counted_for_a_text_the_character_limits_already_drop()
    {
        var counted = 0;
        var filter = FiveToTen with { MaxTokens = 1, CountTokens = _ => ++counted };

        Assert.StartsWith("shorter", filter.Rejects("abc"));
        Assert.Equal(0, counted);
    }

    [Theory]
    [InlineData(-1, 10, null, null, "min_characters")]
    [InlineData(20, 10, null, null, "max_characters")]
    [InlineData(1, 10, -2, null, "min_tokens")]
    [InlineData(1, 10, 50, 40, "max_tokens")]
    public void Validation_names_the_bad_setting(int minCharacters, int maxCharacters, int? minTokens, int? maxTokens, string setting)
    {
        var filter = new LengthFilter { MinCharacters = minCharacters, MaxCharacters = maxCharacters, MinTokens = minTokens, MaxTokens = maxTokens };

        Assert.Equal(setting, Assert.Throws<ArgumentException>(filter.Validate).ParamName);
    }
}
