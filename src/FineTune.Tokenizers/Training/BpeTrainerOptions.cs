namespace FineTune.Tokenizers.Training;

/// <summary>Settings of one <see cref="BpeTrainer.Train"/> run.</summary>
public sealed record BpeTrainerOptions
{
    /// <summary>
    /// The size of the whole vocabulary: the 256 byte tokens, the merges, and the special tokens.
    /// Training stops earlier when no pair reaches <see cref="MinFrequency"/>, so the result may be
    /// smaller.
    /// </summary>
    public required int VocabSize { get; init; }

    /// <summary>
    /// Strings that become single tokens at the end of the vocabulary, after the last merge, in this
    /// order (Llama 3 places its special tokens after the BPE tokens too, so a merge's id never
    /// depends on how many special tokens there are). Their occurrences in the corpus are cut out
    /// before counting, as an encoder would emit them whole.
    /// </summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = [];

    /// <summary>
    /// The smallest number of occurrences a pair needs to be merged. The default of 2 keeps pairs
    /// that occur once (no pattern, only one spelling) out of the vocabulary.
    /// </summary>
    public int MinFrequency { get; init; } = 2;

    /// <summary>
    /// Splits a text into pre-tokens; merges never cross their boundaries. The concatenation of the
    /// pre-tokens should be the text. Null: the Llama-3 split pattern, by the same scanner the tokenizer
    /// encodes with (<see cref="PreTokenizer"/>), so training and encoding cut text identically.
    /// </summary>
    public Func<string, IEnumerable<string>>? PreTokenizer { get; init; }

    /// <summary>Throws when a setting cannot work; returns the number of merges to aim for.</summary>
    internal int Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinFrequency, 1, nameof(MinFrequency));
        ArgumentNullException.ThrowIfNull(SpecialTokens, nameof(SpecialTokens));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < SpecialTokens.Count; i++)
        {
            if (string.IsNullOrEmpty(SpecialTokens[i]))
                throw new ArgumentException($"Special token {i} is empty.", nameof(SpecialTokens));
            if (!seen.Add(SpecialTokens[i]))
                throw new ArgumentException($"Special token '{SpecialTokens[i]}' is listed twice.", nameof(SpecialTokens));
        }
        var merges = VocabSize - BpeVocabulary.ByteTokenCount - SpecialTokens.Count;
        if (merges < 0)
            throw new ArgumentOutOfRangeException(nameof(VocabSize), VocabSize,
                $"The vocabulary needs at least {BpeVocabulary.ByteTokenCount} byte tokens + {SpecialTokens.Count} special tokens.");
        return merges;
    }
}
