namespace FineTune.Curation.Filtering;

/// <summary>
/// Keeps records in the languages a fine-tune is for. A text is dropped only when the detector is
/// confident (at least <see cref="MinConfidence"/>) that it is in a language not in <see cref="Allowed"/>:
/// an undetermined text ("und": too few words, or no language clearly ahead) and a low-confidence guess
/// are kept, because short answers such as "Yes, done." are common and valuable in chat data and a
/// function-word count cannot judge them — dropping good records on a guess costs more than keeping a
/// few foreign ones.
/// </summary>
public sealed record LanguageFilter
{
    /// <summary>ISO 639-1 codes to keep; empty keeps every language.</summary>
    public IReadOnlyList<string> Allowed { get; init; } = [];
    /// <summary>The detector confidence from which a text in another language is dropped.</summary>
    public double MinConfidence { get; init; } = 0.5;

    /// <summary>True to keep <paramref name="text"/>; <paramref name="detected"/> is the detected language, "und" when undetermined.</summary>
    public bool Keeps(string text, out string detected)
    {
        (detected, var confidence) = LanguageDetector.Detect(text);
        return Allowed.Count == 0
            || detected == LanguageDetector.Undetermined
            || Allowed.Contains(detected, StringComparer.OrdinalIgnoreCase)
            || confidence < MinConfidence;
    }

    public void Validate()
    {
        if (!(MinConfidence is >= 0 and <= 1)) throw new ArgumentException($"Setting 'min_language_confidence' must be in [0, 1], got {MinConfidence}.", "min_language_confidence");
        if (Allowed.FirstOrDefault(code => code is null || code.Length != 2 || !code.All(char.IsAsciiLetter)) is { } bad)
            throw new ArgumentException($"Setting 'languages' holds '{bad}', which is not a two-letter ISO 639-1 language code.", "languages");
    }
}
