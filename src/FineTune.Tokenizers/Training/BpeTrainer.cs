using System.Diagnostics;
using System.Text;

namespace FineTune.Tokenizers.Training;

/// <summary>
/// Trains a byte-level BPE vocabulary: the 256 bytes to start, then, over and over, the most
/// frequent adjacent pair of tokens inside the pre-tokens becomes a new token, until the vocabulary
/// reaches its size or no pair is frequent enough.
/// </summary>
/// <remarks>
/// Single-threaded and deterministic: the same corpus and options give the same vocabulary, on any
/// machine. The corpus is read once, as a stream; memory holds the distinct pre-tokens with their
/// counts, and during merging the pairs inside them.
/// </remarks>
public static class BpeTrainer
{
    /// <summary>The least time between two progress reports of the same phase.</summary>
    static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);

    static readonly PreTokenizer DefaultPreTokenizer = PreTokenizer.Create(SplitPatterns.Llama3);

    public static BpeVocabulary Train(
        IEnumerable<string> texts,
        BpeTrainerOptions options,
        IProgress<BpeTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);
        var mergesTarget = options.Validate();
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;

        var counter = new PreTokenCounter(options.PreTokenizer ?? DefaultPreTokenizer.Split, options.SpecialTokens);
        void Report(BpeTrainingPhase phase, int mergesDone, bool force)
        {
            if (progress is null || (!force && clock.Elapsed - lastReport < ReportInterval)) return;
            lastReport = clock.Elapsed;
            progress.Report(new BpeTrainingProgress(phase, counter.TextsRead, counter.DistinctCount, mergesDone, mergesTarget, clock.Elapsed));
        }

        Report(BpeTrainingPhase.Counting, 0, force: true);
        foreach (var text in texts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            counter.Add(text);
            Report(BpeTrainingPhase.Counting, 0, force: false);
        }

        var merger = new PairMerger(counter.ToWords());
        Report(BpeTrainingPhase.Merging, 0, force: true);
        while (merger.Merges.Count < mergesTarget && merger.TryMergeNext(options.MinFrequency))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Report(BpeTrainingPhase.Merging, merger.Merges.Count, force: false);
        }
        Report(BpeTrainingPhase.Done, merger.Merges.Count, force: true);

        return Assemble(merger, options.SpecialTokens);
    }

    static BpeVocabulary Assemble(PairMerger merger, IReadOnlyList<string> specialTokens)
    {
        var tokens = new List<byte[]>(merger.Tokens.Count + specialTokens.Count);
        tokens.AddRange(merger.Tokens);
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var special in specialTokens)
        {
            specials.Add(special, tokens.Count);
            tokens.Add(Encoding.UTF8.GetBytes(special));
        }
        return new BpeVocabulary(tokens, [.. merger.Merges], specials);
    }
}
