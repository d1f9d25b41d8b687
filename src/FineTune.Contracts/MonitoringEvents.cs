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
