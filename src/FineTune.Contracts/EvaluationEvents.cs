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

/// <summary>Command to the evaluation service: evaluate a model (a training job's output, or the base model) on a dataset version.</summary>
/// <param name="Dataset">A curated dataset version, <c>{dataset}:{version}</c>.</param>
/// <param name="ModelName">Whose gate policy judges it.</param>
/// <param name="ProductionJobId">The training job whose model is in production now, to compare with.</param>
public sealed record EvaluateModel(
    string EvaluationId,
    string BaseModel,
    string Dataset,
    string? JobId,
    string? ModelName,
    string? ProductionJobId,
    DateTimeOffset RequestedAt);
