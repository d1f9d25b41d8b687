using FineTune.Tokenizers.PreTokenization;

namespace FineTune.Tokenizers;

/// <summary>
/// Cuts text into pre-tokens with a split regex, with regex semantics on Unicode scalar values
/// (as tiktoken and Hugging Face apply them). <see cref="SplitPatterns.Gpt2"/> and
/// <see cref="SplitPatterns.Cl100k"/> run on hand-written scanners proven equal to the regex by
/// tests; any other pattern runs on .NET's regex engine. Text the pattern does not match is kept
/// as pre-tokens of its own (Hugging Face's "Isolated" split), so nothing is lost.
/// </summary>
public abstract class PreTokenizer
{
    private protected PreTokenizer(string pattern) => Pattern = pattern;

    /// <summary>The split regex.</summary>
    public string Pattern { get; }

    /// <summary>The fastest splitter for <paramref name="pattern"/>.</summary>
    public static PreTokenizer Create(string pattern) => pattern switch
    {
        SplitPatterns.Cl100k => new Cl100kScanner(),
        SplitPatterns.Gpt2 => new Gpt2Scanner(),
        _ => new RegexPreTokenizer(pattern),
    };

    /// <summary>Appends the UTF-16 ranges of the pre-tokens of <paramref name="text"/>: in order, non-empty, covering it.</summary>
    public abstract void Split(ReadOnlySpan<char> text, List<Range> pieces);

    /// <summary>The pre-tokens of <paramref name="text"/> as strings.</summary>
    public List<string> Split(string text)
    {
        var ranges = new List<Range>();
        Split(text.AsSpan(), ranges);
        return ranges.ConvertAll(r => text[r]);
    }
}
