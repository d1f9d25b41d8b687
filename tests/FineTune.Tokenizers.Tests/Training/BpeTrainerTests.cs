using System.Text;
using FineTune.Tokenizers.Training;

namespace FineTune.Tokenizers.Tests.Training;

public class BpeTrainerTests
{
    /// <summary>Keeps each text whole: one pre-token per text.</summary>
    static readonly Func<string, IEnumerable<string>> WholeText = text => [text];

    static BpeVocabulary Train(IEnumerable<string> texts, int vocabSize, int minFrequency = 2,
        Func<string, IEnumerable<string>>? preTokenizer = null, IReadOnlyList<string>? specials = null) =>
        BpeTrainer.Train(texts, new BpeTrainerOptions
        {
            VocabSize = vocabSize,
            MinFrequency = minFrequency,
            PreTokenizer = preTokenizer,
            SpecialTokens = specials ?? [],
        });

    static string Text(BpeVocabulary vocabulary, int id) => Encoding.UTF8.GetString(vocabulary.Tokens[id]);

    const int A = 'a', B = 'b', C = 'c';

    [Fact]
    public void ClassicExample_MergesWorkedOutByHand()
    {
        // "aaabdaaabac" as one pre-token. Pairs are counted with overlaps:
        //   aa:4  ab:2  bd:1  da:1  ba:1  ac:1
        // 1. (a,a) → 256 "aa". Merged left to right: "aaa" → [aa][a], so the word becomes
        //    Z a b d Z a b a c   (Z = 256)   pairs: Za:2 ab:2 bd:1 dZ:1 ba:1 ac:1
        // 2. Za and ab tie at 2; the left tokens' bytes decide: "a" < "aa", so (a,b) → 257 "ab".
        //    Z Y d Z Y a c   (Y = 257)       pairs: ZY:2 Yd:1 dZ:1 Ya:1 ac:1
        // 3. (Z,Y) → 258 "aaab".
        //    X d X a c   (X = 258)           pairs: Xd:1 dX:1 Xa:1 ac:1, all below MinFrequency 2.
        var vocabulary = Train(["aaabdaaabac"], vocabSize: 1000, preTokenizer: WholeText);

        Assert.Equal([(A, A), (A, B), (256, 257)], vocabulary.Merges);
        Assert.Equal(259, vocabulary.Count);
        Assert.Equal("aa", Text(vocabulary, 256));
        Assert.Equal("ab", Text(vocabulary, 257));
        Assert.Equal("aaab", Text(vocabulary, 258));
    }

    [Fact]
    public void ClassicExample_WithMinFrequencyOne_TiesGoToTheSmallestLeftBytes()
    {
        // After the three merges above every pair occurs once: (X,d) (d,X) (X,a) (a,c). Their left
        // tokens are "aaab", "d", "aaab", "a"; "a" sorts first, so merge 4 is (a,c) → 259.
        // VocabSize 260 = 256 bytes + 4 merges stops exactly there.
        var vocabulary = Train(["aaabdaaabac"], vocabSize: 260, minFrequency: 1, preTokenizer: WholeText);

        Assert.Equal([(A, A), (A, B), (256, 257), (A, C)], vocabulary.Merges);
        Assert.Equal("ac", Text(vocabulary, 259));
    }

    [Fact]
    public void OverlappingRun_IsMergedLeftToRight()
    {
        // "aaa" holds (a,a) twice with overlap, but only one merge fits: [aa][a]. The next pair is
        // therefore (aa, a), making "aaa"; nothing is left to merge after that.
        var vocabulary = Train(["aaa"], vocabSize: 1000, minFrequency: 1, preTokenizer: WholeText);

        Assert.Equal([(A, A), (256, A)], vocabulary.Merges);
        Assert.Equal("aaa", Text(vocabulary, 257));
    }

    [Fact]
    public void DefaultPreTokenizer_KeepsMergesInsideWords()
    {
        // Llama 3 split: "the", " cat", " the", " hat". Pairs with their counts:
        //   th:2 he:2 at:2 (from "cat" and "hat"), and once each: " c" ca " t" " h" ha
        // 1. th, he, at tie at 2; left bytes "a" < "h" < "t": (a,t) → 256 "at".
        // 2. he and th tie at 2 (c·at and h·at are 1 each); "h" < "t": (h,e) → 257 "he".
        // 3. (t, he) → 258 "the", count 2. Every other pair occurs once, and " t" never merged
        //    with "he" across the pre-token boundary of "cat the".
        var vocabulary = Train(["the cat the hat"], vocabSize: 1000);

        Assert.Equal([('a', 't'), ('h', 'e'), ('t', 257)], vocabulary.Merges);
        Assert.Equal("the", Text(vocabulary, 258));
    }

    [Fact]
    public void SpecialTokens_FollowTheMergesAndAreCutOutOfTheCorpus()
    {
        // The special splits the text into two copies of the classic word, so every pair count
        // doubles and the merge order is the one worked out above. 256 + 3 merges + 1 special = 260.
        var vocabulary = Train(["aaabdaaabac<|end|>aaabdaaabac"], vocabSize: 260, preTokenizer: WholeText, specials: ["<|end|>"]);

        Assert.Equal([(A, A), (A, B), (256, 257)], vocabulary.Merges);
        Assert.Equal(260, vocabulary.Count);
        Assert.Equal(259, vocabulary.SpecialTokens["<|end|>"]);
        Assert.Equal("<|end|>", Text(vocabulary, 259));
        Assert.DoesNotContain(vocabulary.Tokens.Take(259), t => t.Contains((byte)'<') && t.Length > 1);
    }

    [Fact]
    public void VocabSize_IsHonoured()
    {
        var corpus = SyntheticCorpus.Paragraphs(60_000, seed: 1);
        var vocabulary = Train(corpus, vocabSize: 700, specials: ["<|begin|>", "<|end|>"]);

        Assert.Equal(700, vocabulary.Count);
        Assert.Equal(700 - 256 - 2, vocabulary.Merges.Count);
        Assert.Equal(698, vocabulary.SpecialTokens["<|begin|>"]);
        Assert.Equal(699, vocabulary.SpecialTokens["<|end|>"]);
    }

    [Fact]
    public void Training_StopsEarly_WhenNoPairIsFrequentEnough()
    {
        // "abcd" once: every pair occurs once, below the default MinFrequency of 2.
        var vocabulary = Train(["abcd"], vocabSize: 5000, specials: ["<s>"]);

        Assert.Empty(vocabulary.Merges);
        Assert.Equal(256, vocabulary.SpecialTokens["<s>"]);
        Assert.Equal(257, vocabulary.Count);
    }

    [Fact]
    public void EveryToken_IsTheConcatenationOfItsParts_AndTheBytesAreTheirIds()
    {
        var vocabulary = Train(SyntheticCorpus.Paragraphs(40_000, seed: 2), vocabSize: 600);

        for (var b = 0; b < 256; b++)
            Assert.Equal([(byte)b], vocabulary.Tokens[b]);
        for (var m = 0; m < vocabulary.Merges.Count; m++)
        {
            var (left, right) = vocabulary.Merges[m];
            Assert.True(left < 256 + m && right < 256 + m, $"merge {m} uses a token made later");
            Assert.Equal([.. vocabulary.Tokens[left], .. vocabulary.Tokens[right]], vocabulary.Tokens[256 + m]);
        }
    }

    [Fact]
    public void Training_IsDeterministic_AndIndependentOfTheOrderOfTexts()
    {
        var corpus = SyntheticCorpus.Paragraphs(40_000, seed: 3);
        var order = new Random(4);
        var shuffled = corpus.OrderBy(_ => order.Next()).ToList();

        var first = Train(corpus, vocabSize: 800);
        var again = Train(corpus, vocabSize: 800);
        var reordered = Train(shuffled, vocabSize: 800);

        Assert.Equal(first.Merges, again.Merges);
        Assert.Equal(first.Merges, reordered.Merges);
        Assert.Equal(first.Tokens, reordered.Tokens);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void OnRandomCorpora_TokensAreDistinct_AndTheMergesReproduceTheTrainedSegmentation(int seed)
    {
        // A three-letter alphabet makes long runs and many overlaps, where bookkeeping bugs and
        // two spellings of the same bytes show up.
        var random = new Random(seed);
        var words = Enumerable.Range(0, 300)
            .Select(_ => new string([.. Enumerable.Range(0, random.Next(1, 25)).Select(_ => "abc"[random.Next(3)])]))
            .ToList();
        var counter = new PreTokenCounter(WholeText, []);
        foreach (var word in words) counter.Add(word);
        var merger = new PairMerger(counter.ToWords());
        while (merger.TryMergeNext(minFrequency: 1)) { }

        Assert.Equal(merger.Tokens.Count, merger.Tokens.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(ReferenceBpe.CountTokens(words, WholeText, merger.Merges), merger.TotalSymbols);
        // Merging runs until every word is one token, so the segmentation is one token per text.
        Assert.Equal(words.Count, merger.TotalSymbols);
    }

    [Fact]
    public void Progress_ReportsEveryPhase_AndTheFinalCount()
    {
        var reports = new List<BpeTrainingProgress>();
        var vocabulary = BpeTrainer.Train(["aaabdaaabac"], new BpeTrainerOptions { VocabSize = 300, PreTokenizer = WholeText },
            new SynchronousProgress(reports.Add));

        Assert.Equal(BpeTrainingPhase.Counting, reports[0].Phase);
        Assert.Contains(reports, r => r.Phase == BpeTrainingPhase.Merging);
        var last = reports[^1];
        Assert.Equal(BpeTrainingPhase.Done, last.Phase);
        Assert.Equal(vocabulary.Merges.Count, last.MergesDone);
        Assert.Equal(300 - 256, last.MergesTarget);
        Assert.Equal(1, last.TextsRead);
        Assert.Equal(1, last.DistinctPreTokens);
    }

    [Fact]
    public void InvalidOptions_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Train(["x"], vocabSize: 257, specials: ["<a>", "<b>"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Train(["x"], vocabSize: 300, minFrequency: 0));
        Assert.Throws<ArgumentException>(() => Train(["x"], vocabSize: 300, specials: ["<a>", "<a>"]));
        Assert.Throws<ArgumentException>(() => Train(["x"], vocabSize: 300, specials: [""]));
    }

    [Fact]
    public void Cancellation_StopsTraining()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            BpeTrainer.Train(["abab"], new BpeTrainerOptions { VocabSize = 300 }, cancellationToken: cancelled.Token));
    }

    /// <summary><see cref="Progress{T}"/> posts to the thread pool; this records in order, on the caller's thread.</summary>
    sealed class SynchronousProgress(Action<BpeTrainingProgress> report) : IProgress<BpeTrainingProgress>
    {
        public void Report(BpeTrainingProgress value) => report(value);
    }
}
