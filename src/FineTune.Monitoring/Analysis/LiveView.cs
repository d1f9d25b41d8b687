using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>One series as <c>GET /api/monitoring/served</c> lists it: requests counted since this process started.</summary>
public sealed record ServedSeries(string Model, string? Adapter, long Requests, DateTimeOffset LastSeen);

/// <summary>One minute of a version's traffic (all adapters) as the live charts draw it.</summary>
public sealed record LivePoint(DateTimeOffset T, long Requests, long CompletionTokens, double TokensPerSecond, double P50LatencyMs,
    double P95LatencyMs, double ErrorRate, double CacheHitRatio, double SafetyFlagRate)
{
    public static LivePoint Of(DateTimeOffset minute, WindowTotals totals) => new(minute, totals.Requests, totals.CompletionTokens,
        totals.CompletionTokens / 60.0, LatencyBuckets.Quantile(totals.Latency, 0.5) ?? 0, LatencyBuckets.Quantile(totals.Latency, 0.95) ?? 0,
        totals.Rate(totals.Errors) ?? 0, totals.Rate(totals.CacheHits) ?? 0, totals.Rate(totals.SafetyFlags) ?? 0);
}

/// <summary>The live charts of one version: a point per minute that had traffic, oldest first.</summary>
public sealed record LiveView(string Model, IReadOnlyList<LivePoint> Points);

/// <summary>One drift statistic over one window, with the threshold it is judged against.</summary>
public sealed record DriftSeries(string Metric, string Window, double Threshold, IReadOnlyList<DriftPoint> Points);

/// <summary>The drift charts of one version; <see cref="Reference"/> is <c>dataset:version</c>, null when the version has no reference profile.</summary>
public sealed record DriftView(string Model, string? Reference, IReadOnlyList<DriftSeries> Metrics);

/// <summary>Parses and prints the <c>name:version</c> model ids the API takes.</summary>
public static class ModelIds
{
    public static string Format(ModelRef model) => $"{model.Name}:{model.Version}";

    public static ModelRef? Parse(string? id)
    {
        var colon = id?.LastIndexOf(':') ?? -1;
        if (id is null || colon < 1 || !int.TryParse(id.AsSpan(colon + 1), out var version) || version < 0) return null;
        return new ModelRef(id[..colon], version);
    }
}
