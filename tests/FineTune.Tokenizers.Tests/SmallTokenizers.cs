using System.Text;

namespace FineTune.Tokenizers.Tests;

/// <summary>Small merge-list tokenizers built in the tests, independent of the library's trainer.</summary>
internal static class SmallTokenizers
{
    private static readonly Lazy<Tokenizer> TrainedLazy = new(() => Train(Fixtures.MixedText[..30_000], merges: 300));

    /// <summary>300 merges learned from the start of the mixed fixture, with one special token.</summary>
    public static Tokenizer Trained() => TrainedLazy.Value;

    /// <summary>
    /// Naive BPE training: count adjacent pairs inside cl100k pre-tokens, merge the most frequent
    /// (smallest ids on ties), repeat. Slow and simple on purpose.
    /// </summary>
    public static Tokenizer Train(string corpus, int merges)
    {
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        var mergeList = new List<(int, int)>();
        var words = PreTokenizer.Create(SplitPatterns.Cl100k).Split(corpus)
            .GroupBy(w => w, StringComparer.Ordinal)
            .Select(g => (Ids: Encoding.UTF8.GetBytes(g.Key).Select(b => (int)b).ToList(), Count: g.Count()))
            .ToList();
        for (var m = 0; m < merges; m++)
        {
            var counts = new Dictionary<(int, int), int>();
            foreach (var (ids, count) in words)
                for (var i = 0; i + 1 < ids.Count; i++)
                    counts[(ids[i], ids[i + 1])] = counts.GetValueOrDefault((ids[i], ids[i + 1])) + count;
            if (counts.Count == 0) break;
            var best = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2).First().Key;
            var id = tokens.Count;
            tokens.Add([.. tokens[best.Item1], .. tokens[best.Item2]]);
            mergeList.Add(best);
            foreach (var (ids, _) in words)
                for (var i = 0; i + 1 < ids.Count; i++)
                    if (ids[i] == best.Item1 && ids[i + 1] == best.Item2) { ids[i] = id; ids.RemoveAt(i + 1); }
        }
        return Tokenizer.FromBpe(tokens, mergeList, new Dictionary<string, int> { ["<|end|>"] = tokens.Count }, SplitPatterns.Cl100k);
    }
}
