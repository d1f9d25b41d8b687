namespace FineTune.Tokenizers;

/// <summary>What <see cref="Tokenizer.Encode(string, SpecialTokenPolicy, bool)"/> does with special-token text found in its input.</summary>
public enum SpecialTokenPolicy
{
    /// <summary>
    /// Throw <see cref="DisallowedSpecialTokenException"/> when the text contains a special token's
    /// text: tiktoken's default, so that user input cannot smuggle in control tokens unnoticed.
    /// </summary>
    Refuse = 0,

    /// <summary>Encode special-token text as ordinary text (tiktoken's <c>encode_ordinary</c>; Hugging Face's <c>split_special_tokens</c>).</summary>
    AsText = 1,

    /// <summary>Turn special-token text into its single id (tiktoken's <c>allowed_special="all"</c>; Hugging Face's default).</summary>
    Recognize = 2,
}
