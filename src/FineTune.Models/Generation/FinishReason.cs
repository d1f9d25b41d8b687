namespace FineTune.Models.Generation;

/// <summary>Why a sequence ended, in OpenAI's terms.</summary>
public enum FinishReason
{
    /// <summary>A stop token id (eos) was generated or a stop string appeared.</summary>
    Stop,

    /// <summary>The token limit was reached: max_new_tokens, or the model's context window.</summary>
    Length,
}

public static class FinishReasonExtensions
{
    /// <summary>The wire value of OpenAI's <c>finish_reason</c>: "stop" or "length".</summary>
    public static string ToOpenAiString(this FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown finish reason"),
    };
}
