using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Tokenizers.Training;

/// <summary>
/// Counts how often each distinct pre-token occurs in a stream of texts. Memory grows with the
/// number of distinct pre-tokens, not with the corpus: a text is split, counted and dropped.
/// </summary>
internal sealed class PreTokenCounter
{
    readonly Dictionary<string, long> counts = new(StringComparer.Ordinal);
    readonly Func<string, IEnumerable<string>> preTokenizer;
    /// <summary>Matches any special token, longest first; null when there are none.</summary>
    readonly Regex? specials;

    public PreTokenCounter(Func<string, IEnumerable<string>> preTokenizer, IReadOnlyList<string> specialTokens)
    {
        this.preTokenizer = preTokenizer;
        if (specialTokens.Count > 0)
        {
            // Longest first, so that of two specials where one is a prefix of the other the longer wins.
            var alternatives = specialTokens.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).Select(Regex.Escape);
            specials = new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant);
        }
    }

    public long TextsRead { get; private set; }
    public int DistinctCount => counts.Count;

    public void Add(string text)
    {
        if (text is null) throw new ArgumentException($"Text {TextsRead} of the corpus is null.", nameof(text));
        TextsRead++;
        if (specials is null)
        {
            CountPiece(text);
            return;
        }
        var start = 0;
        for (var match = specials.Match(text); match.Success; match = match.NextMatch())
        {
            CountPiece(text[start..match.Index]);
            start = match.Index + match.Length;
        }
        CountPiece(text[start..]);
    }

    void CountPiece(string piece)
    {
        if (piece.Length == 0) return;
        foreach (var preToken in preTokenizer(piece))
        {
            if (string.IsNullOrEmpty(preToken)) continue;
            CollectionsMarshal.GetValueRefOrAddDefault(counts, preToken, out _)++;
        }
    }

    /// <summary>
    /// Each distinct pre-token as UTF-8 bytes with its count, sorted by bytes: an order that depends
    /// on the corpus alone, never on hashing or on how the counts were gathered.
    /// </summary>
    public (byte[] Bytes, long Count)[] ToWords()
    {
        var words = new (byte[] Bytes, long Count)[counts.Count];
        var i = 0;
        foreach (var (preToken, count) in counts)
            words[i++] = (Encoding.UTF8.GetBytes(preToken), count);
        Array.Sort(words, (x, y) => x.Bytes.AsSpan().SequenceCompareTo(y.Bytes));
        return words;
    }
}
