using FineTune.Curation.Balancing;
using FineTune.Curation.Pipeline;
using FineTune.Curation.Splitting;
using FineTune.Datasets.Profiles;

namespace FineTune.Curation.Cards;

/// <summary>Describes curated splits as a <see cref="DatasetCard"/>: token lengths, classes, and the reference profile of train.</summary>
internal sealed class CardBuilder(TokenCounter tokens)
{
    public DatasetCard Build(CurationReport report, IReadOnlyDictionary<DatasetSplit, List<Example>> split, ClassBalance? before,
        IReadOnlyDictionary<string, double>? classWeights, IReadOnlyDictionary<string, int> languages, int augmented,
        string? augmentationSource, int kFolds, CancellationToken cancellationToken)
    {
        var train = split[DatasetSplit.Train];
        var originals = train.Where(e => e.AugmentedFrom is null).ToList();
        return new DatasetCard
        {
            TaskType = report.TaskType,
            Steps = report.Steps,
            SplitRecords = split.ToDictionary(s => CurationPipeline.SplitName(s.Key), s => s.Value.Count),
            TokenLengths = split.ToDictionary(s => CurationPipeline.SplitName(s.Key), s => LengthDistribution.Of(s.Value.Select(e => e.PromptTokens + e.CompletionTokens))),
            Classes = before is null ? null : Classes(before, ClassBalance.Of(train.Select(e => e.Class!))),
            ClassWeights = classWeights,
            ExactDuplicatesRemoved = (int)report.Steps.Single(s => s.Step == "exact_dedupe").Removed,
            NearDuplicatesRemoved = (int)report.Steps.Single(s => s.Step == "near_dedupe").Removed,
            PiiRedacted = report.PiiRedacted,
            Languages = languages.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).ToDictionary(),
            AugmentedRecords = augmented,
            AugmentationSource = augmentationSource,
            KFolds = kFolds,
            LeakageCheckPassed = report.LeakageCheckPassed,
            // the reference is what the model was trained on, without augmented copies: live traffic is never augmented
            Reference = new ReferenceProfile(
                LengthDistribution.Of(originals.Select(e => e.PromptTokens)),
                LengthDistribution.Of(originals.Select(e => e.CompletionTokens)),
                PromptTokenFrequencies(originals, cancellationToken)),
        };
    }

    private static ClassDistribution Classes(ClassBalance before, ClassBalance after) =>
        new(before.Counts, after.Counts, before.ImbalanceRatio, after.ImbalanceRatio);

    private TokenFrequencyProfile PromptTokenFrequencies(List<Example> examples, CancellationToken cancellationToken)
    {
        var total = new long[tokens.VocabularySize];
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, examples.Count, 1024),
            new ParallelOptions { CancellationToken = cancellationToken },
            () => (Counts: new long[tokens.VocabularySize], Scratch: new List<int>()),
            (range, _, local) =>
            {
                for (var i = range.Item1; i < range.Item2; i++) tokens.AddPromptTokens(examples[i].Record, local.Counts, local.Scratch);
                return local;
            },
            local => { lock (total) for (var id = 0; id < total.Length; id++) total[id] += local.Counts[id]; });
        return TokenFrequencyProfile.Of(tokens.Name, total);
    }
}
