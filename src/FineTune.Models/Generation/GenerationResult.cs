namespace FineTune.Models.Generation;

/// <summary>One finished sequence.</summary>
public sealed record GenerationResult
{
    /// <summary>Position of this sequence in its batch (OpenAI's <c>choices[].index</c>).</summary>
    public required int SequenceIndex { get; init; }

    /// <summary>Generated ids, prompt excluded; includes the stop token or the token that completed a stop string.</summary>
    public required IReadOnlyList<int> TokenIds { get; init; }

    /// <summary>Generated text, without the stop token's text and cut before any stop string.</summary>
    public required string Text { get; init; }

    public required FinishReason FinishReason { get; init; }

    /// <summary>The stop string that ended generation, if one did.</summary>
    public string? StopSequence { get; init; }

    /// <summary>The stop token id that ended generation, if one did.</summary>
    public int? StopTokenId { get; init; }

    public required int PromptTokenCount { get; init; }

    public int CompletionTokenCount => TokenIds.Count;
}
