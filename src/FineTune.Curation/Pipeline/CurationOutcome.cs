using FineTune.Curation.Cards;
using FineTune.Datasets.Canaries;

namespace FineTune.Curation.Pipeline;

/// <summary>The curated splits as JSONL lines, the train folds when asked for, the report and the card.</summary>
public sealed record CurationOutcome(
    IReadOnlyList<string> Train,
    IReadOnlyList<string> Validation,
    IReadOnlyList<string> Test,
    IReadOnlyList<int>? TrainFolds,
    CurationReport Report,
    DatasetCard Card,
    IReadOnlyList<Canary>? Canaries = null);

/// <summary>The sources broke the ingestion policy: too many bad lines, or none at all. The report lists every one.</summary>
public sealed class IngestionRejectedException(string message, IReadOnlyList<LineProblem> problems) : Exception(message)
{
    public IReadOnlyList<LineProblem> Problems { get; } = problems;
}

/// <summary>Exact or near duplicates ended up in different splits; the version must not be written.</summary>
public sealed class LeakageDetectedException(CurationReport report)
    : Exception($"The leakage check found {report.Leaks.Count} duplicate pair(s) across splits, e.g. {Describe(report.Leaks[0])}.")
{
    public CurationReport Report { get; } = report;

    private static string Describe(LeakedPair leak) =>
        $"{leak.First.File}:{leak.First.Line} ({leak.FirstSplit}) and {leak.Second.File}:{leak.Second.Line} ({leak.SecondSplit}), Jaccard {leak.Similarity:0.00}";
}

/// <summary>Filtering and deduplication left too few records to make three splits.</summary>
public sealed class NotEnoughRecordsException(int left)
    : Exception($"Only {left} record(s) are left after filtering and deduplication; a dataset version needs at least {CurationPipeline.MinimumRecords} (see the report's filtered lines).")
{
    public int Left { get; } = left;
}
