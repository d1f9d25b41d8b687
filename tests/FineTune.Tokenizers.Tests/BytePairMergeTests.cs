using System.Text;
using FineTune.Testing;
using FineTune.Tokenizers.Bpe;

namespace FineTune.Tokenizers.Tests;

/// <summary>The merge loop: its two strategies agree, and the two merge rules differ where they should.</summary>
public class BytePairMergeTests
{
    private static byte[] B(string ascii) => Encoding.ASCII.GetBytes(ascii);

    /// <summary>The 256 bytes as ids 0..255, then <paramref name="extra"/> from 256 on.</summary>
    private static List<byte[]> Vocabulary(params string[] extra)
    {
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        tokens.AddRange(extra.Select(B));
        return tokens;
    }

    private static Tokenizer MergeListTokenizer(List<byte[]> tokens, params (string Left, string Right)[] merges)
    {
        var ids = tokens.Select((t, i) => (Encoding.ASCII.GetString(t), i)).GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().i);
        return Tokenizer.FromBpe(tokens, merges.Select(m => (ids[m.Left], ids[m.Right])).ToList(), new Dictionary<string, int>(), SplitPatterns.Cl100k);
    }

    private static Tokenizer TiktokenTokenizer(List<byte[]> tokens, TempDirectory folder)
    {
        var path = Path.Combine(folder.Path, "t.tiktoken");
        File.WriteAllLines(path, tokens.Select((t, rank) => $"{Convert.ToBase64String(t)} {rank}"));
        return Tokenizer.FromTiktoken(path, SplitPatterns.Cl100k, new Dictionary<string, int>());
    }

    [Fact]
    public void Merge_list_rule_merges_by_list_position_and_stops_when_no_pair_is_listed()
    {
        // "bc" is listed first, so "abc" becomes a|bc; (a, bc) is not a listed merge, so it stays.
        var tokens = Vocabulary("bc", "ab", "abc");
        var tokenizer = MergeListTokenizer(tokens, ("b", "c"), ("a", "b"), ("ab", "c"));
        Assert.Equal(['a', 256], tokenizer.Encode("abc"));
        // With (a, b) first, ab then (ab, c) gives the whole word.
        var other = MergeListTokenizer(tokens, ("a", "b"), ("b", "c"), ("ab", "c"));
        Assert.Equal([258], other.Encode("abc"));
    }

    [Fact]
    public void Tiktoken_rule_merges_any_pair_whose_bytes_are_a_token()
    {
        // Same tokens as ranks: bc (256) merges first, then a+bc = "abc" is a token (258), so it merges.
        using var folder = new TempDirectory("bpe");
        var tokenizer = TiktokenTokenizer(Vocabulary("bc", "ab", "abc", "x abc"), folder);
        Assert.Equal([258], tokenizer.Encode("abc"));
        // Lowest rank first, leftmost on ties: "abab" -> ab ab (257 257), never a|ba|b.
        Assert.Equal([257, 257], tokenizer.Encode("abab"));
    }

    [Fact]
    public void Ties_go_to_the_leftmost_pair()
    {
        var tokens = Vocabulary("aa");
        var tokenizer = MergeListTokenizer(tokens, ("a", "a"));
        Assert.Equal([256, 'a'], tokenizer.Encode("aaa"));
        Assert.Equal([256, 256], tokenizer.Encode("aaaa"));
    }

    [Fact]
    public void Heap_and_scan_give_the_same_parts_for_both_rules()
    {
        // Random vocabularies over a 4-letter alphabet and random words up to 300 bytes, so both
        // short and long words, many ties and many merges occur.
        var random = new Random(99);
        for (var trial = 0; trial < 15; trial++)
        {
            var tokens = Vocabulary();
            var merges = new List<(int, int)>();
            var known = new HashSet<string>(StringComparer.Ordinal);
            for (var m = 0; m < 60; m++)
            {
                var left = random.Next(tokens.Count);
                var right = random.Next(tokens.Count);
                if (left < 256 && (left < 'a' || left > 'd')) left = 'a' + random.Next(4);
                if (right < 256 && (right < 'a' || right > 'd')) right = 'a' + random.Next(4);
                var merged = BpeModel.Concat(tokens[left], tokens[right]);
                if (!known.Add(Encoding.ASCII.GetString(merged))) continue;
                tokens.Add(merged);
                merges.Add((left, right));
            }
            var symbols = tokens.ToArray<byte[]?>();
            var mergeList = new BpeModel(symbols, MergeRuleKind.MergeList, merges);
            var ranks = new BpeModel(symbols, MergeRuleKind.ConcatenationRank, []);
            for (var w = 0; w < 30; w++)
            {
                var word = new byte[random.Next(1, 300)];
                for (var i = 0; i < word.Length; i++) word[i] = (byte)('a' + random.Next(4));
                Assert.Equal(Run(mergeList, word, heap: false), Run(mergeList, word, heap: true));
                Assert.Equal(Run(ranks, word, heap: false), Run(ranks, word, heap: true));
            }
        }
    }

    private static int[] Run(BpeModel model, byte[] word, bool heap)
    {
        var parts = word.Select((b, i) => new Part { Start = i, Id = model.ByteId(b) }).ToArray();
        var count = (model.Kind, heap) switch
        {
            (MergeRuleKind.MergeList, false) => BytePairMerge.MergeByScan(model.MergeListRule, word, parts, parts.Length),
            (MergeRuleKind.MergeList, true) => BytePairMerge.MergeByHeap(model.MergeListRule, word, parts, parts.Length),
            (_, false) => BytePairMerge.MergeByScan(model.ConcatenationRule, word, parts, parts.Length),
            (_, true) => BytePairMerge.MergeByHeap(model.ConcatenationRule, word, parts, parts.Length),
        };
        return parts.Take(count).Select(p => p.Id).ToArray();
    }

    [Fact]
    public void A_very_long_word_merges_in_reasonable_time_and_round_trips()
    {
        // 50 KB of one letter: the heap path keeps this near-linear (the scan would be quadratic).
        var text = new string('a', 50_000);
        var ids = Fixtures.Cl100k.Encode(text);
        Assert.Equal(text, Fixtures.Cl100k.Decode(ids));
    }
}
