using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// Counts of inference traffic: what one <see cref="MinuteBucket"/> holds, and what a window sums from
/// a run of them — requests, errors, cache hits, safety flags, refusals, finish reasons, the latency
/// histogram and, when the version has a reference, the prompt and completion length histograms on the
/// reference's bins and the prompt tokens counted in the reference's categories.
/// </summary>
public sealed class WindowTotals
{
    public WindowTotals() { }

    /// <summary>Counts for one version's traffic, with the reference's histograms when it has one.</summary>
    public WindowTotals(VersionReference? reference)
    {
        if (reference is null) return;
        PromptLengths = new long[reference.Profile.PromptTokens.UpperBounds.Count];
        CompletionLengths = new long[reference.Profile.CompletionTokens.UpperBounds.Count];
        Tokens = new long[reference.TokenCategories];
    }

    public long Requests { get; private set; }
    public long Errors { get; private set; }
    public long CacheHits { get; private set; }
    public long SafetyFlags { get; private set; }
    public long Refusals { get; private set; }
    public long CompletionTokens { get; private set; }
    public long[] Latency { get; } = new long[LatencyBuckets.Count];
    public Dictionary<string, long> FinishReasons { get; } = new(StringComparer.Ordinal);
    public long[]? PromptLengths { get; private set; }
    public long[]? CompletionLengths { get; private set; }
    public long[]? Tokens { get; private set; }

    /// <summary>Answers that ended at their token limit (finish reason <c>length</c>).</summary>
    public long Truncations => FinishReasons.GetValueOrDefault("length");

    public static WindowTotals Of(IEnumerable<MinuteBucket> buckets)
    {
        var totals = new WindowTotals();
        foreach (var bucket in buckets) totals.Add(bucket.Counts);
        return totals;
    }

    /// <summary>Counts one record; the histograms only when this holds them and the version has a reference.</summary>
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

    public void Add(WindowTotals other)
    {
        Requests += other.Requests;
        Errors += other.Errors;
        CacheHits += other.CacheHits;
        SafetyFlags += other.SafetyFlags;
        Refusals += other.Refusals;
        CompletionTokens += other.CompletionTokens;
        AddInto(Latency, other.Latency);
        foreach (var (reason, count) in other.FinishReasons) FinishReasons[reason] = FinishReasons.GetValueOrDefault(reason) + count;
        PromptLengths = Merge(PromptLengths, other.PromptLengths);
        CompletionLengths = Merge(CompletionLengths, other.CompletionLengths);
        Tokens = Merge(Tokens, other.Tokens);
    }

    public double? Rate(long part) => Requests == 0 ? null : (double)part / Requests;

    /// <summary>The counts as the analysis snapshot stores them, for the minute <paramref name="minute"/>.</summary>
    public MinuteBucketSnapshot ToSnapshot(DateTimeOffset minute) => new(minute, Requests, Errors, CacheHits, SafetyFlags, Refusals, CompletionTokens, [.. Latency],
        new Dictionary<string, long>(FinishReasons, StringComparer.Ordinal), PromptLengths?.ToArray(), CompletionLengths?.ToArray(), Tokens?.ToArray());

    public static WindowTotals FromSnapshot(MinuteBucketSnapshot snapshot)
    {
        var totals = new WindowTotals
        {
            Requests = snapshot.Requests, Errors = snapshot.Errors, CacheHits = snapshot.CacheHits, SafetyFlags = snapshot.SafetyFlags,
            Refusals = snapshot.Refusals, CompletionTokens = snapshot.CompletionTokens,
            PromptLengths = snapshot.PromptLengths?.ToArray(), CompletionLengths = snapshot.CompletionLengths?.ToArray(), Tokens = snapshot.Tokens?.ToArray(),
        };
        // a snapshot from a build with other latency buckets keeps what still lines up
        snapshot.Latency.Take(totals.Latency.Length).ToArray().CopyTo(totals.Latency, 0);
        foreach (var (reason, count) in snapshot.FinishReasons) totals.FinishReasons[reason] = count;
        return totals;
    }

    private static long[]? Merge(long[]? into, long[]? from)
    {
        if (from is null) return into;
        into ??= new long[from.Length];
        AddInto(into, from);
        return into;
    }

    private static void AddInto(long[] into, IReadOnlyList<long> from)
    {
        for (var i = 0; i < into.Length && i < from.Count; i++) into[i] += from[i];
    }
}
