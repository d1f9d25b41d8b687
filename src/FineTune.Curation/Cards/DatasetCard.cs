using FineTune.Curation.Pipeline;
using FineTune.Datasets.Profiles;

namespace FineTune.Curation.Cards;

/// <summary>Classes and their counts, before and after balancing the train split.</summary>
public sealed record ClassDistribution(IReadOnlyDictionary<string, int> Before, IReadOnlyDictionary<string, int> After, double ImbalanceRatioBefore, double ImbalanceRatioAfter);

/// <summary>
/// The one-page summary of a dataset version that people and services read: how many records each
/// step kept, the splits, token lengths, class balance, what was removed or redacted, how train was
/// balanced and augmented, and the reference profile for drift.
/// </summary>
public sealed record DatasetCard
{
    public required string TaskType { get; init; }
    public required IReadOnlyList<StepCount> Steps { get; init; }
    public required IReadOnlyDictionary<string, int> SplitRecords { get; init; }
    /// <summary>Prompt plus completion tokens per record, per split.</summary>
    public required IReadOnlyDictionary<string, LengthDistribution> TokenLengths { get; init; }
    public ClassDistribution? Classes { get; init; }
    public IReadOnlyDictionary<string, double>? ClassWeights { get; init; }
    public required int ExactDuplicatesRemoved { get; init; }
    public required int NearDuplicatesRemoved { get; init; }
    public required IReadOnlyDictionary<string, int> PiiRedacted { get; init; }
    public required IReadOnlyDictionary<string, int> Languages { get; init; }
    public required int AugmentedRecords { get; init; }
    /// <summary>Where augmentation's synonyms came from and under which licence; null when nothing was augmented.</summary>
    public string? AugmentationSource { get; init; }
    public int KFolds { get; init; }
    public required bool LeakageCheckPassed { get; init; }
    public required ReferenceProfile Reference { get; init; }
}
