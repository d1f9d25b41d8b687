namespace FineTune.Contracts;

/// <summary>A candidate was evaluated; the gate's verdict decides whether it may be promoted.</summary>
/// <param name="Metrics">Metric name → value (perplexity, rouge_l, toxicity_rate, …).</param>
/// <param name="FailedChecks">The gate checks that did not pass; empty when <paramref name="Passed"/>.</param>
public sealed record EvaluationCompleted(
    string EvaluationId,
    string JobId,
    ModelRef? Model,
    ArtifactRef Candidate,
    DatasetRef Dataset,
    ArtifactRef Report,
    bool Passed,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> FailedChecks,
    DateTimeOffset CompletedAt);
