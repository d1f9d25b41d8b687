using System.Text.Json.Serialization;
using FineTune.Contracts;

namespace FineTune.Monitoring.Pipeline;

// The pipeline API's answers, as docs/monitoring-api.md fixes them; fields the document marks "|null" are written even when null.

/// <summary>A list answer: <c>{"data": [...]}</c>.</summary>
public sealed record DataList<T>(IReadOnlyList<T> Data);

/// <summary>One training job on its way from dataset to deployment.</summary>
public sealed record RunView(
    string JobId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Dataset,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? BaseModel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] FineTuningMethod? Method,
    string Status,
    int Step,
    int TotalSteps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? TrainLoss,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ValidationLoss,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RunEvaluationView? Evaluation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ModelRef? Model,
    IReadOnlyList<string> Aliases,
    DateTimeOffset UpdatedAt);

/// <summary>A run's latest evaluation, in short.</summary>
public sealed record RunEvaluationView(string EvaluationId, bool Passed, IReadOnlyList<string> FailedChecks, IReadOnlyDictionary<string, double> Metrics);

public sealed record CurveView(string JobId, IReadOnlyList<CurvePoint> Points);

public sealed record EvaluationView(
    string EvaluationId,
    string JobId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ModelRef? Model,
    bool Passed,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> FailedChecks,
    DateTimeOffset CompletedAt);

public sealed record ModelView(string Name, IReadOnlyDictionary<string, int> Aliases, IReadOnlyList<ModelVersionEntry> Versions, IReadOnlyList<AliasTransition> History);
