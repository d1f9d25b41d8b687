namespace FineTune.Tokenizers;

/// <summary>A tokenizer file that cannot be read, or asks for a feature this tokenizer does not honour.</summary>
public sealed class TokenizerFormatException(string field, string message)
    : Exception($"{field}: {message}")
{
    /// <summary>The JSON path (e.g. <c>model.dropout</c>) or file position the problem is about.</summary>
    public string Field { get; } = field;
}

/// <summary>Thrown by <see cref="SpecialTokenPolicy.Refuse"/> when the input contains a special token's text.</summary>
public sealed class DisallowedSpecialTokenException(string token, int index)
    : ArgumentException($"The text contains the special token '{token}' at character {index}; pass SpecialTokenPolicy.AsText to encode it as plain text or SpecialTokenPolicy.Recognize to encode it as the special token.")
{
    public string Token { get; } = token;
    public int Index { get; } = index;
}
