namespace FineTune.Tokenizers;

/// <summary>The pre-tokenization regexes this library recognises and scans without a regex engine.</summary>
public static class SplitPatterns
{
    /// <summary>GPT-2's pattern (also Hugging Face's ByteLevel pre-tokenizer with <c>use_regex: true</c>).</summary>
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>tiktoken's cl100k_base pattern, which Llama 3 uses unchanged.</summary>
    public const string Cl100k = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Llama 3's pattern: the same as <see cref="Cl100k"/>.</summary>
    public const string Llama3 = Cl100k;
}
