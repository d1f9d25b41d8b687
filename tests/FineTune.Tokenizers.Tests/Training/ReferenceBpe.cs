using System.Text;
using FineTune.Tokenizers.Training;

namespace FineTune.Tokenizers.Tests.Training;

/// <summary>
/// The plainest possible BPE encoder, to check the trainer against: every merge, in order, replaces
/// each non-overlapping (left, right) in the pre-token, scanning left to right.
/// </summary>
internal static class ReferenceBpe
{
    public static List<int> Encode(byte[] preToken, IReadOnlyList<(int Left, int Right)> merges)
    {
        var symbols = preToken.Select(b => (int)b).ToList();
        for (var m = 0; m < merges.Count; m++)
        {
            var (left, right) = merges[m];
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (symbols[i] != left || symbols[i + 1] != right) continue;
                symbols[i] = BpeVocabulary.MergedTokenId(m);
                symbols.RemoveAt(i + 1);
            }
        }
        return symbols;
    }

    /// <summary>Tokens in the whole corpus: each distinct pre-token is encoded once and weighted by its count.</summary>
    public static long CountTokens(IEnumerable<string> texts, Func<string, IEnumerable<string>> preTokenizer, IReadOnlyList<(int Left, int Right)> merges)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var preToken in preTokenizer(text))
                counts[preToken] = counts.GetValueOrDefault(preToken) + 1;
        return counts.Sum(p => p.Value * Encode(Encoding.UTF8.GetBytes(p.Key), merges).Count);
    }
}
