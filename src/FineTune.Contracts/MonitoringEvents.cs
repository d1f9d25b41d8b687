namespace FineTune.Contracts;

/// <summary>One served request, as monitoring needs it for drift and SLOs (no prompt text: privacy).</summary>
/// <param name="PromptTokenSample">
/// A token-frequency sketch of the prompt: up to 256 token ids of its PII-redacted message texts, sorted
/// (a bag: the frequencies survive, the text cannot be read back).
/// </param>
/// <param name="SafetyFlagged">The output safety screen found an answer unsafe.</param>
/// <param name="Refused">An answer refused the request.</param>
public sealed record InferenceRecorded(
    string RequestId,
    ModelRef Model,
    string? Adapter,
    int PromptTokens,
    int CompletionTokens,
    double LatencyMs,
    double? TimeToFirstTokenMs,
    string FinishReason,
    bool CacheHit,
    bool SafetyFlagged,
    bool Refused,
    int StatusCode,
    IReadOnlyList<int> PromptTokenSample,
    DateTimeOffset RecordedAt);

/// <summary>A drift statistic of a model version passed its threshold over a window.</summary>
/// <param name="Metric">e.g. <c>prompt_length_psi</c>, <c>token_js_divergence</c>, <c>refusal_rate</c>.</param>
/// <param name="Window">The sliding window it was measured over, e.g. <c>15m</c>.</param>
public sealed record DriftDetected(
    Guid DriftId,
    ModelRef Model,
    DatasetRef Reference,
    string Metric,
    double Value,
    double Threshold,
    string Window,
    DateTimeOffset DetectedAt);

/// <summary>
/// A service-level objective of a model version (or one adapter of it) is burning its error budget too
/// fast, or a drift statistic stays past its threshold: an alert is open until <see cref="AlertResolved"/>.
/// </summary>
/// <param name="Kind"><c>slo</c> or <c>drift</c>.</param>
/// <param name="Objective">e.g. <c>latency_p95</c>, <c>error_rate</c>, <c>toxic_rate</c>, <c>prompt_length_psi</c>.</param>
/// <param name="Value">The measured value that raised it (a burn rate for SLOs, the statistic for drift).</param>
/// <param name="Severity"><c>page</c> (fast burn) or <c>ticket</c> (slow burn, sustained drift).</param>
public sealed record AlertRaised(
    Guid AlertId,
    ModelRef Model,
    string? Adapter,
    string Kind,
    string Objective,
    double Value,
    double Threshold,
    string Window,
    string Severity,
    DateTimeOffset RaisedAt);

/// <summary>An open alert's condition has cleared (past its hysteresis).</summary>
public sealed record AlertResolved(
    Guid AlertId,
    ModelRef Model,
    string Objective,
    DateTimeOffset ResolvedAt);

/// <summary>A model's policy recommends moving its production alias back to an earlier version; a person (or automation) decides.</summary>
public sealed record RollbackRecommended(
    Guid RecommendationId,
    ModelRef Model,
    int ToVersion,
    string Reason,
    DateTimeOffset RecommendedAt);
