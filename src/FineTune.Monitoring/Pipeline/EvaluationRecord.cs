using FineTune.Contracts;

namespace FineTune.Monitoring.Pipeline;

/// <summary>
/// One evaluation's verdict, stored once as <c>monitoring/pipeline/evaluations/{id}.json</c> (create-only,
/// so a redelivery finds it there). <see cref="JobId"/> is empty when the base model itself was evaluated.
/// </summary>
public sealed record EvaluationRecord(
    string EvaluationId,
    string JobId,
    ModelRef? Model,
    bool Passed,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> FailedChecks,
    DateTimeOffset CompletedAt)
{
    public static EvaluationRecord From(EvaluationCompleted completed) => new(completed.EvaluationId, completed.JobId, completed.Model,
        completed.Passed, new SortedDictionary<string, double>(completed.Metrics.ToDictionary(), StringComparer.Ordinal), completed.FailedChecks, completed.CompletedAt);
}
