using System.Diagnostics;
using System.Text;
using FineTune.Tokenizers.Training;
using Xunit.Abstractions;

namespace FineTune.Tokenizers.Tests.Training;

public class BpeCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void OneMegabyteCorpus_TrainsTo4096Tokens_AndCompressesItsOwnText()
    {
        var corpus = SyntheticCorpus.Paragraphs(1_000_000, seed: 7);
        var bytes = corpus.Sum(p => (long)Encoding.UTF8.GetByteCount(p));

        var clock = Stopwatch.StartNew();
        var vocabulary = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 4096, SpecialTokens = ["<|end_of_text|>"] });
        var trainTime = clock.Elapsed;

        var tokens = ReferenceBpe.CountTokens(corpus, PreTokenizer.Create(SplitPatterns.Llama3).Split, vocabulary.Merges);
        output.WriteLine($"{bytes:N0} bytes, {vocabulary.Merges.Count} merges in {trainTime.TotalSeconds:F2} s; " +
            $"re-encoded: {tokens:N0} tokens ({(double)bytes / tokens:F2} bytes/token)");

        Assert.Equal(4096, vocabulary.Count);
        // Every word of the corpus is built from syllables of two to four letters (or is a common
        // English word), and a word's leading space joins its first piece. A vocabulary of 3839
        // merges holds at least every syllable, so no token is shorter than two bytes except a
        // lone space, digit or punctuation mark: the text must shrink to under half its bytes.
        Assert.True(tokens * 2 < bytes, $"{tokens} tokens for {bytes} bytes");
    }
}
