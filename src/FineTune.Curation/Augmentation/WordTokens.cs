using System.Text.RegularExpressions;

namespace FineTune.Curation.Augmentation;

/// <summary>
/// A text cut into words and the separators between them, so that augmentation can change words
/// and join the pieces back with the original spacing and punctuation.
/// </summary>
internal sealed partial class WordTokens
{
    private readonly List<(string Text, bool IsWord)> _tokens;

    private WordTokens(List<(string Text, bool IsWord)> tokens) => _tokens = tokens;

    // a word is letters and digits, with inner apostrophes kept ("don't" is one word)
    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*")]
    private static partial Regex Word();

    public static WordTokens Of(string text)
    {
        var tokens = new List<(string, bool)>();
        var position = 0;
        foreach (Match word in Word().Matches(text))
        {
            if (word.Index > position) tokens.Add((text[position..word.Index], false));
            tokens.Add((word.Value, true));
            position = word.Index + word.Length;
        }
        if (position < text.Length) tokens.Add((text[position..], false));
        return new WordTokens(tokens);
    }

    /// <summary>Token positions of the words, in order.</summary>
    public List<int> WordPositions() => Enumerable.Range(0, _tokens.Count).Where(i => _tokens[i].IsWord).ToList();

    public string this[int position]
    {
        get => _tokens[position].Text;
        set => _tokens[position] = (value, true);
    }

    /// <summary>Removes the words at the positions with one whitespace run beside each, so no double space is left.</summary>
    public void Remove(IReadOnlyCollection<int> positions)
    {
        var drop = new HashSet<int>(positions);
        foreach (var position in positions)
        {
            if (position > 0 && IsWhitespace(position - 1) && !drop.Contains(position - 1)) drop.Add(position - 1);
            else if (position + 1 < _tokens.Count && IsWhitespace(position + 1)) drop.Add(position + 1);
        }
        var kept = _tokens.Where((_, i) => !drop.Contains(i)).ToList();
        _tokens.Clear();
        _tokens.AddRange(kept);
    }

    public override string ToString() => string.Concat(_tokens.Select(t => t.Text));

    private bool IsWhitespace(int position) => !_tokens[position].IsWord && string.IsNullOrWhiteSpace(_tokens[position].Text);
}
