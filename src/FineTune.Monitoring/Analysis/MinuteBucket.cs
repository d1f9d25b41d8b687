using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// One minute of one (model version, adapter)'s traffic: the <see cref="WindowTotals"/> counts the
/// windows sum, sized for the version's reference when it has one.
/// </summary>
public sealed class MinuteBucket
{
    public MinuteBucket(DateTimeOffset minute, VersionReference? reference) : this(minute, new WindowTotals(reference)) { }

    private MinuteBucket(DateTimeOffset minute, WindowTotals counts) => (Minute, Counts) = (minute, counts);

    public DateTimeOffset Minute { get; }

    public WindowTotals Counts { get; }

    public void Add(InferenceRecorded record, VersionReference? reference) => Counts.Add(record, reference);

    /// <summary>A copy of the counts that later records do not change.</summary>
    public MinuteBucketSnapshot ToSnapshot() => Counts.ToSnapshot(Minute);

    public static MinuteBucket FromSnapshot(MinuteBucketSnapshot snapshot) => new(snapshot.Minute, WindowTotals.FromSnapshot(snapshot));
}

/// <summary>A <see cref="MinuteBucket"/>'s counts as the analysis snapshot stores them.</summary>
public sealed record MinuteBucketSnapshot(DateTimeOffset Minute, long Requests, long Errors, long CacheHits, long SafetyFlags, long Refusals,
    long CompletionTokens, IReadOnlyList<long> Latency, IReadOnlyDictionary<string, long> FinishReasons,
    IReadOnlyList<long>? PromptLengths, IReadOnlyList<long>? CompletionLengths, IReadOnlyList<long>? Tokens);
