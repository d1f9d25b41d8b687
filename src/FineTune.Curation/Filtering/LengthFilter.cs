namespace FineTune.Curation.Filtering;

/// <summary>
/// Drops texts too short to teach anything or too long to train on. Characters are counted as .NET
/// counts them (UTF-16 code units: an emoji counts two). Token limits need a count: one the caller already
/// has, or <see cref="CountTokens"/>, which is called only after the character limits pass since
/// tokenizing is the costly part.
/// </summary>
public sealed record LengthFilter
{
    public int MinCharacters { get; init; } = 1;
    public int MaxCharacters { get; init; } = 100_000;
    public int? MinTokens { get; init; }
    public int? MaxTokens { get; init; }
    /// <summary>Counts a text's tokens for <see cref="Rejects(string)"/> when a token limit is set.</summary>
    public Func<string, int>? CountTokens { get; init; }

    /// <summary>Null to keep <paramref name="text"/>, otherwise why it is dropped, e.g. "shorter than 5 characters (3)".</summary>
    public string? Rejects(string text) => RejectsCharacters(text)
        ?? (MinTokens is null && MaxTokens is null ? null
            : RejectsTokens((CountTokens ?? throw new InvalidOperationException("A token limit is set but no token counter was given: set CountTokens or pass the count."))(text)));

    /// <summary>As <see cref="Rejects(string)"/>, with the text's token count already known.</summary>
    public string? Rejects(string text, int tokens) => RejectsCharacters(text) ?? RejectsTokens(tokens);

    private string? RejectsCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < MinCharacters) return $"shorter than {MinCharacters} characters ({text.Length})";
        if (text.Length > MaxCharacters) return $"longer than {MaxCharacters} characters ({text.Length})";
        return null;
    }

    private string? RejectsTokens(int tokens)
    {
        if (tokens < MinTokens) return $"fewer than {MinTokens} tokens ({tokens})";
        if (tokens > MaxTokens) return $"more than {MaxTokens} tokens ({tokens})";
        return null;
    }

    public void Validate()
    {
        if (MinCharacters < 0) throw Bad("min_characters", $"must not be negative, got {MinCharacters}");
        if (MaxCharacters < Math.Max(1, MinCharacters)) throw Bad("max_characters", $"must be at least 1 and at least min_characters ({MinCharacters}), got {MaxCharacters}");
        if (MinTokens < 0) throw Bad("min_tokens", $"must not be negative, got {MinTokens}");
        if (MaxTokens < Math.Max(1, MinTokens ?? 0)) throw Bad("max_tokens", $"must be at least 1 and at least min_tokens ({MinTokens}), got {MaxTokens}");
    }

    private static ArgumentException Bad(string setting, string reason) => new($"Setting '{setting}' {reason}.", setting);
}
