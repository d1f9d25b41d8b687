namespace FineTune.Curation.Pipeline;

/// <summary>How many records went into a step and how many came out.</summary>
public sealed record StepCount(string Step, long RecordsIn, long RecordsOut)
{
    public long Removed => RecordsIn - RecordsOut;
}

/// <summary>A line that was left out, where it was and why.</summary>
public sealed record LineProblem(string File, int Line, string? Field, string Reason);

/// <summary>A record somewhere in the sources.</summary>
public sealed record SourceLine(string File, int Line);

/// <summary>Records that are the same (exact) or nearly the same (near): the first is kept.</summary>
public sealed record DuplicateCluster(SourceLine Kept, IReadOnlyList<SourceLine> Duplicates);

/// <summary>Two records, in different splits, that are the same or nearly the same text.</summary>
public sealed record LeakedPair(SourceLine First, string FirstSplit, SourceLine Second, string SecondSplit, double Similarity);

/// <summary>
/// What one curation run did, record by record where it matters: every rejected or filtered line
/// with its reason, every duplicate cluster, the redactions, and the leakage check's findings.
/// Nothing is dropped without a line here.
/// </summary>
public sealed record CurationReport
{
    public required string TaskType { get; init; }
    public required IReadOnlyList<StepCount> Steps { get; init; }
    public required IReadOnlyList<LineProblem> RejectedLines { get; init; }
    public required IReadOnlyList<LineProblem> FilteredLines { get; init; }
    public required IReadOnlyList<DuplicateCluster> ExactDuplicates { get; init; }
    public required IReadOnlyList<DuplicateCluster> NearDuplicates { get; init; }
    public required IReadOnlyDictionary<string, int> PiiRedacted { get; init; }
    public required int RecordsChangedByCleaning { get; init; }
    public required int AbbreviationsExpanded { get; init; }
    public required IReadOnlyList<LeakedPair> Leaks { get; init; }
    public bool LeakageCheckPassed => Leaks.Count == 0;
}
