namespace FineTune.Evaluation.Runs;

/// <summary>
/// What to evaluate: a training job's output (<see cref="JobId"/>), or with no job the base model
/// itself; on a curated dataset version (<c>{dataset}:{version}</c>); judged by the gate policy of
/// <see cref="ModelName"/>; compared with <see cref="ProductionJobId"/>'s model when given.
/// </summary>
public sealed record EvaluationRequest(
    string? BaseModel,
    string? Dataset,
    string? JobId = null,
    string? ModelName = null,
    string? ProductionJobId = null);

public enum EvaluationStatus { Queued, Running, Succeeded, Failed }

/// <summary>An evaluation as stored at <c>evaluations/{id}/evaluation.json</c> (ETag-guarded).</summary>
public sealed record EvaluationRecord
{
    public required string Id { get; init; }
    public required EvaluationRequest Request { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public EvaluationStatus Status { get; init; } = EvaluationStatus.Queued;
    public DateTimeOffset? FinishedAt { get; init; }
    public bool? Passed { get; init; }
    public IReadOnlyList<string> FailedRules { get; init; } = [];
    public string? ReportKey { get; init; }
    public string? Error { get; init; }
    /// <summary>Set once <c>EvaluationCompleted</c> is out; a retried evaluation never announces twice.</summary>
    public bool Announced { get; init; }
}
