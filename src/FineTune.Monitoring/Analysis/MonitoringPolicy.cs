namespace FineTune.Monitoring.Analysis;

/// <summary>What sustained drift of a model's version leads to.</summary>
public enum SustainedDriftAction
{
    None,
    Retrain,
    RecommendRollback,
}

/// <summary>
/// Per model name: the drift thresholds, how many samples a window needs before it is judged, the
/// hysteresis, what sustained drift does, and the SLO targets. Stored as JSON at
/// <c>monitoring/policies/{name}.json</c>; a model without one uses <see cref="Default"/>.
/// </summary>
public sealed record MonitoringPolicy
{
    public string Model { get; init; } = "";

    /// <summary>
    /// Threshold per drift metric. PSI 0.2 is the usual "significant shift" rule of thumb for the
    /// population stability index (under 0.1 stable, above 0.25 major); the others are this service's
    /// starting points: JS 0.1 bits, unseen-token rate 0.05 above the reference's own share outside its
    /// top list, 5% refusals, 1% safety flags.
    /// </summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = DefaultThresholds;

    /// <summary>Requests a window needs before its drift statistics are judged (fewer: too noisy).</summary>
    public int MinimumSamples { get; init; } = 100;

    /// <summary>An episode re-arms only once the statistic falls below this fraction of its threshold.</summary>
    public double RearmFraction { get; init; } = 0.8;

    /// <summary>Consecutive evaluated minutes the 1h window must stay past a threshold to count as sustained.</summary>
    public int SustainedEvaluations { get; init; } = 3;

    public SustainedDriftAction SustainedAction { get; init; } = SustainedDriftAction.None;

    public SloTargets Slo { get; init; } = new();

    public static IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        [DriftMetrics.PromptLengthPsi] = 0.2,
        [DriftMetrics.TokenJsDivergence] = 0.1,
        [DriftMetrics.UnseenTokenRate] = 0.05,
        [DriftMetrics.CompletionLengthPsi] = 0.2,
        [DriftMetrics.RefusalRate] = 0.05,
        [DriftMetrics.SafetyFlagRate] = 0.01,
        [DriftMetrics.TruncationRate] = 0.25,
    };

    public static MonitoringPolicy Default(string model) => new() { Model = model };

    public double Threshold(string metric) => Thresholds.TryGetValue(metric, out var value) ? value : DefaultThresholds[metric];

    /// <summary>The first problem with this policy as a user would fix it (field and what is wrong), or null.</summary>
    public (string Field, string Problem)? Validate()
    {
        foreach (var (metric, value) in Thresholds)
        {
            if (!DefaultThresholds.ContainsKey(metric))
                return ($"thresholds.{metric}", $"'{metric}' is not a drift metric; use one of {string.Join(", ", DefaultThresholds.Keys)}.");
            if (!(value > 0) || double.IsInfinity(value)) return ($"thresholds.{metric}", $"{value} must be a positive number.");
        }
        if (MinimumSamples < 1) return ("minimum_samples", $"{MinimumSamples} must be at least 1.");
        if (!(RearmFraction is > 0 and <= 1)) return ("rearm_fraction", $"{RearmFraction} must be in (0, 1].");
        if (SustainedEvaluations < 1) return ("sustained_evaluations", $"{SustainedEvaluations} must be at least 1.");
        if (!Enum.IsDefined(SustainedAction)) return ("sustained_action", $"'{SustainedAction}' is not one of retrain, recommend_rollback, none.");
        return Slo.Validate();
    }
}

/// <summary>
/// The service-level objectives of every version and adapter of a model. Defaults follow the seed's
/// framework: p95 latency under 2 s (at most 5% of requests slower), errors (status ≥ 500) under 0.1%,
/// safety-flagged (toxic) answers under 1%.
/// </summary>
public sealed record SloTargets
{
    public double LatencyP95Ms { get; init; } = 2000;
    public double ErrorRate { get; init; } = 0.001;
    public double ToxicRate { get; init; } = 0.01;
    /// <summary>Requests each burn-rate window needs before it can fire (one error in three requests is not a burn).</summary>
    public int MinimumRequests { get; init; } = 20;
    /// <summary>Event-time minutes an SLO alert's condition must stay clear before it resolves.</summary>
    public int ResolveAfterMinutes { get; init; } = 10;

    public (string Field, string Problem)? Validate()
    {
        if (!(LatencyP95Ms > 0)) return ("slo.latency_p95_ms", $"{LatencyP95Ms} must be positive.");
        if (!(ErrorRate is > 0 and < 1)) return ("slo.error_rate", $"{ErrorRate} must be in (0, 1).");
        if (!(ToxicRate is > 0 and < 1)) return ("slo.toxic_rate", $"{ToxicRate} must be in (0, 1).");
        if (MinimumRequests < 1) return ("slo.minimum_requests", $"{MinimumRequests} must be at least 1.");
        if (ResolveAfterMinutes is < 1 or > 60) return ("slo.resolve_after_minutes", $"{ResolveAfterMinutes} must be within 1..60.");
        return null;
    }
}
