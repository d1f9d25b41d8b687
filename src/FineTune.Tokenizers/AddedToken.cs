namespace FineTune.Tokenizers;

/// <summary>
/// A token matched in the raw text before pre-tokenization (Hugging Face's <c>added_tokens</c>,
/// tiktoken's special tokens). Special ones obey <see cref="SpecialTokenPolicy"/> and may be
/// skipped on decode; the others are always matched.
/// </summary>
/// <param name="LStrip">A match also swallows the whitespace before it (Hugging Face's <c>lstrip</c>).</param>
/// <param name="RStrip">A match also swallows the whitespace after it (<c>rstrip</c>).</param>
public sealed record AddedToken(int Id, string Content, bool Special = true, bool LStrip = false, bool RStrip = false);
