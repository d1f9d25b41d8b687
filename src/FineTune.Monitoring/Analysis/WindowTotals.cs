namespace FineTune.Monitoring.Analysis;

/// <summary>The sum of a run of <see cref="MinuteBucket"/>s: one window (or one minute) of traffic.</summary>
public sealed class WindowTotals
{
    public long Requests { get; private set; }
    public long Errors { get; private set; }
    public long CacheHits { get; private set; }
    public long SafetyFlags { get; private set; }
    public long Refusals { get; private set; }
    /// <summary>Answers that ended at their token limit (finish reason <c>length</c>).</summary>
    public long Truncations { get; private set; }
    public long CompletionTokens { get; private set; }
    public long[] Latency { get; } = new long[LatencyBuckets.Count];
    public long[]? PromptLengths { get; private set; }
    public long[]? CompletionLengths { get; private set; }
    public long[]? Tokens { get; private set; }

    public static WindowTotals Of(IEnumerable<MinuteBucket> buckets)
    {
        var totals = new WindowTotals();
        foreach (var bucket in buckets) totals.Add(bucket);
        return totals;
    }

    public void Add(MinuteBucket bucket)
    {
        Requests += bucket.Requests;
        Errors += bucket.Errors;
        CacheHits += bucket.CacheHits;
        SafetyFlags += bucket.SafetyFlags;
        Refusals += bucket.Refusals;
        Truncations += bucket.FinishReasons.GetValueOrDefault("length");
        CompletionTokens += bucket.CompletionTokens;
        AddInto(Latency, bucket.Latency);
        PromptLengths = Merge(PromptLengths, bucket.PromptLengths);
        CompletionLengths = Merge(CompletionLengths, bucket.CompletionLengths);
        Tokens = Merge(Tokens, bucket.Tokens);
    }

    public double? Rate(long part) => Requests == 0 ? null : (double)part / Requests;

    private static long[]? Merge(long[]? into, long[]? from)
    {
        if (from is null) return into;
        into ??= new long[from.Length];
        AddInto(into, from);
        return into;
    }

    private static void AddInto(long[] into, long[] from)
    {
        for (var i = 0; i < into.Length && i < from.Length; i++) into[i] += from[i];
    }
}
