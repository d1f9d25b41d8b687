using System.Buffers;

namespace FineTune.Tokenizers;

/// <summary>
/// Finds added tokens in raw text, leftmost first and longest at that position (Hugging Face's
/// leftmost-longest matching; tiktoken's special tokens never overlap, so it agrees there).
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<string> _anyToken;
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;   // longest first

    private AddedTokenMatcher(IReadOnlyCollection<AddedToken> tokens)
    {
        _anyToken = SearchValues.Create([.. tokens.Select(t => t.Content)], StringComparison.Ordinal);
        _byFirstChar = tokens.GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    /// <summary>A matcher for <paramref name="tokens"/>, or null when there are none (nothing to look for).</summary>
    public static AddedTokenMatcher? For(IEnumerable<AddedToken> tokens)
    {
        var list = tokens.Where(t => t.Content.Length > 0).ToList();
        return list.Count == 0 ? null : new AddedTokenMatcher(list);
    }

    /// <summary>The first added token in <paramref name="text"/> at or after <paramref name="start"/>.</summary>
    public bool TryFind(ReadOnlySpan<char> text, int start, out int index, out AddedToken token)
    {
        var found = text[start..].IndexOfAny(_anyToken);
        if (found < 0)
        {
            index = text.Length;
            token = null!;
            return false;
        }
        index = start + found;
        var rest = text[index..];
        foreach (var candidate in _byFirstChar[rest[0]])
        {
            if (!rest.StartsWith(candidate.Content, StringComparison.Ordinal)) continue;
            token = candidate;
            return true;
        }
        throw new InvalidOperationException("SearchValues found a token that no candidate matches.");
    }
}
