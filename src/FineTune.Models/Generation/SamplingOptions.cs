namespace FineTune.Models.Generation;

/// <summary>
/// How one completion turns logits into tokens. Defaults switch every filter off and sample at
/// temperature 1; names in error messages are the snake_case request fields
/// (<c>temperature</c>, <c>top_k</c>, <c>top_p</c>, <c>min_p</c>, <c>repetition_penalty</c>,
/// <c>max_new_tokens</c>, <c>stop_token_ids</c>, <c>stop_sequences</c>).
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Divides the logits before softmax; 0 means greedy (argmax, ties to the lowest id).</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the K most likely tokens (exactly K; equal logits ordered by lower id). 0 = off.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus: keep the smallest most-likely set whose probability reaches P. 1 = off.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Drop tokens whose probability is below MinP × the top token's. null or 0 = off.</summary>
    public float? MinP { get; init; }

    /// <summary>
    /// Hugging Face's repetition penalty: every token id present in the sequence (prompt and
    /// generated, each id once) has its logit divided by this when positive, multiplied when not.
    /// 1 = off.
    /// </summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Generation ends with <see cref="FinishReason.Length"/> after this many new tokens.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Token ids (usually eos) that end generation with <see cref="FinishReason.Stop"/>.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Strings that end generation when they appear in the text; they are not returned.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>Seed of the draws; null picks a fresh random one (see <see cref="Sampler.Seed"/>).</summary>
    public ulong? Seed { get; init; }

    public static SamplingOptions Greedy { get; } = new() { Temperature = 0f };

    public bool IsGreedy => Temperature == 0f;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        Require(float.IsFinite(Temperature) && Temperature >= 0, "temperature",
            $"must be a finite number >= 0 (0 means greedy), got {Temperature}");
        Require(TopK >= 0, "top_k", $"must be >= 0 (0 turns it off), got {TopK}");
        Require(TopP > 0 && TopP <= 1, "top_p", $"must be in (0, 1] (1 turns it off), got {TopP}");
        Require(MinP is null || (MinP >= 0 && MinP <= 1), "min_p", $"must be in [0, 1], got {MinP}");
        Require(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0, "repetition_penalty",
            $"must be a finite number > 0 (1 turns it off), got {RepetitionPenalty}");
        Require(MaxNewTokens >= 1, "max_new_tokens", $"must be at least 1, got {MaxNewTokens}");
        Require(StopTokenIds is not null, "stop_token_ids", "must not be null");
        for (int i = 0; i < StopTokenIds!.Count; i++)
            Require(StopTokenIds[i] >= 0, "stop_token_ids", $"must not be negative, got {StopTokenIds[i]} at index {i}");
        Require(StopSequences is not null, "stop_sequences", "must not be null");
        for (int i = 0; i < StopSequences!.Count; i++)
            Require(!string.IsNullOrEmpty(StopSequences[i]), "stop_sequences", $"must not contain an empty string (index {i})");
    }

    private static void Require(bool condition, string field, string problem)
    {
        if (!condition) throw new ArgumentException($"sampling option '{field}' {problem}.", field);
    }
}
