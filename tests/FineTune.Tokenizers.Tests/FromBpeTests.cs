using System.Text;

namespace FineTune.Tokenizers.Tests;

public class FromBpeTests
{
    [Fact]
    public void Encoding_a_training_word_reproduces_its_training_segmentation()
    {
        // BPE's defining property: merges applied by rank rebuild what training made of each word.
        var corpus = Fixtures.MixedText[..8_000];
        var (tokens, merges, segmentations) = Train(corpus, 120);
        var tokenizer = Tokenizer.FromBpe(tokens, merges, new Dictionary<string, int>(), SplitPatterns.Cl100k);
        foreach (var (word, ids) in segmentations) Assert.Equal(ids, tokenizer.Encode(word, SpecialTokenPolicy.AsText));
    }

    private static (List<byte[]>, List<(int, int)>, Dictionary<string, List<int>>) Train(string corpus, int merges)
    {
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        var mergeList = new List<(int, int)>();
        var words = PreTokenizer.Create(SplitPatterns.Cl100k).Split(corpus).Distinct()
            .ToDictionary(w => w, w => Encoding.UTF8.GetBytes(w).Select(b => (int)b).ToList());
        var frequency = PreTokenizer.Create(SplitPatterns.Cl100k).Split(corpus).CountBy(w => w).ToDictionary();
        for (var m = 0; m < merges; m++)
        {
            var counts = new Dictionary<(int, int), int>();
            foreach (var (word, ids) in words)
                for (var i = 0; i + 1 < ids.Count; i++)
                    counts[(ids[i], ids[i + 1])] = counts.GetValueOrDefault((ids[i], ids[i + 1])) + frequency[word];
            var best = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key).First().Key;
            tokens.Add([.. tokens[best.Item1], .. tokens[best.Item2]]);
            mergeList.Add(best);
            foreach (var ids in words.Values)
                for (var i = 0; i + 1 < ids.Count; i++)
                    if (ids[i] == best.Item1 && ids[i + 1] == best.Item2) { ids[i] = tokens.Count - 1; ids.RemoveAt(i + 1); }
        }
        return (tokens, mergeList, words);
    }

    [Fact]
    public void Missing_single_bytes_are_refused()
    {
        var tokens = Enumerable.Range(0, 255).Select(b => new[] { (byte)b }).ToList();
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromBpe(tokens, [], new Dictionary<string, int>(), SplitPatterns.Cl100k));
        Assert.Contains("0xFF", error.Message);
    }

    [Fact]
    public void A_merge_whose_result_is_not_a_token_is_refused()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        Assert.Throws<ArgumentException>(() => Tokenizer.FromBpe(tokens, [('a', 'b')], new Dictionary<string, int>(), SplitPatterns.Cl100k));
        Assert.Throws<ArgumentException>(() => Tokenizer.FromBpe(tokens, [(0, 999)], new Dictionary<string, int>(), SplitPatterns.Cl100k));
    }

    [Fact]
    public void Special_tokens_take_their_ids_and_vocabulary_lookups_work()
    {
        var tokenizer = SmallTokenizers.Trained();
        var end = tokenizer.SpecialTokens["<|end|>"];
        Assert.Equal(tokenizer.VocabSize - 1, end);
        Assert.Equal([end], tokenizer.Encode("<|end|>", SpecialTokenPolicy.Recognize));
        Assert.Equal((byte)' ', tokenizer.TokenBytes(tokenizer.TokenToId("Ġ")!.Value)[0]);
        Assert.Equal(tokenizer.TokenToId("Ġ"), tokenizer.BytesToId(" "u8));
        Assert.Null(tokenizer.TokenToId("no such token"));
    }
}
