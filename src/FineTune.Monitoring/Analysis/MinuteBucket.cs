using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// Everything the windows need from one minute of one (model version, adapter)'s traffic: counts,
/// the latency histogram, and — when the version has a reference — the prompt and completion length
/// histograms on the reference's bins and the prompt tokens counted in the reference's categories.
/// Windows are sums of these.
/// </summary>
public sealed class MinuteBucket
{
    public MinuteBucket(DateTimeOffset minute, VersionReference? reference)
    {
        Minute = minute;
        if (reference is null) return;
        PromptLengths = new long[reference.Profile.PromptTokens.UpperBounds.Count];
        CompletionLengths = new long[reference.Profile.CompletionTokens.UpperBounds.Count];
        Tokens = new long[reference.TokenCategories];
    }

    private MinuteBucket(MinuteBucketSnapshot snapshot)
    {
        (Minute, Requests, Errors, CacheHits, SafetyFlags, Refusals, CompletionTokens) =
            (snapshot.Minute, snapshot.Requests, snapshot.Errors, snapshot.CacheHits, snapshot.SafetyFlags, snapshot.Refusals, snapshot.CompletionTokens);
        // a snapshot from a build with other latency buckets keeps what still lines up
        snapshot.Latency.Take(Latency.Length).ToArray().CopyTo(Latency, 0);
        FinishReasons = new Dictionary<string, long>(snapshot.FinishReasons, StringComparer.Ordinal);
        (PromptLengths, CompletionLengths, Tokens) = (snapshot.PromptLengths?.ToArray(), snapshot.CompletionLengths?.ToArray(), snapshot.Tokens?.ToArray());
    }

    public DateTimeOffset Minute { get; }
    public long Requests { get; private set; }
    public long Errors { get; private set; }
    public long CacheHits { get; private set; }
    public long SafetyFlags { get; private set; }
    public long Refusals { get; private set; }
    public long CompletionTokens { get; private set; }
    public long[] Latency { get; } = new long[LatencyBuckets.Count];
    public Dictionary<string, long> FinishReasons { get; } = new(StringComparer.Ordinal);
    public long[]? PromptLengths { get; }
    public long[]? CompletionLengths { get; }
    public long[]? Tokens { get; }

    public void Add(InferenceRecorded record, VersionReference? reference)
    {
        Requests++;
        if (record.StatusCode >= 500) Errors++;
        if (record.CacheHit) CacheHits++;
        if (record.SafetyFlagged) SafetyFlags++;
        if (record.Refused) Refusals++;
        CompletionTokens += Math.Max(0, record.CompletionTokens);
        Latency[LatencyBuckets.Bucket(record.LatencyMs)]++;
        var reason = string.IsNullOrEmpty(record.FinishReason) ? "unknown" : record.FinishReason;
        FinishReasons[reason] = FinishReasons.GetValueOrDefault(reason) + 1;
        if (reference is null || PromptLengths is null || CompletionLengths is null || Tokens is null) return;
        PromptLengths[reference.PromptLengthBin(record.PromptTokens)]++;
        CompletionLengths[reference.CompletionLengthBin(record.CompletionTokens)]++;
        foreach (var token in record.PromptTokenSample ?? []) Tokens[reference.TokenCategory(token)]++;
    }

    /// <summary>A copy of the counts that later records do not change.</summary>
    public MinuteBucketSnapshot ToSnapshot() => new(Minute, Requests, Errors, CacheHits, SafetyFlags, Refusals, CompletionTokens, [.. Latency],
        new Dictionary<string, long>(FinishReasons, StringComparer.Ordinal), PromptLengths?.ToArray(), CompletionLengths?.ToArray(), Tokens?.ToArray());

    public static MinuteBucket FromSnapshot(MinuteBucketSnapshot snapshot) => new(snapshot);
}

/// <summary>A <see cref="MinuteBucket"/>'s counts as the analysis snapshot stores them.</summary>
public sealed record MinuteBucketSnapshot(DateTimeOffset Minute, long Requests, long Errors, long CacheHits, long SafetyFlags, long Refusals,
    long CompletionTokens, IReadOnlyList<long> Latency, IReadOnlyDictionary<string, long> FinishReasons,
    IReadOnlyList<long>? PromptLengths, IReadOnlyList<long>? CompletionLengths, IReadOnlyList<long>? Tokens);
