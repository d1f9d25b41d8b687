using FineTune.Contracts;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Monitoring.Pipeline;

/// <summary>
/// Reads the stored documents back as the pipeline API's views: each run joined with its latest
/// evaluation and the aliases that point at its model version. Reads the store every time, so every
/// replica answers alike.
/// </summary>
public sealed class PipelineReader(IArtifactStore store)
{
    private readonly JsonDocuments<RunDocument> _runs = new(store);
    private readonly JsonDocuments<EvaluationRecord> _evaluations = new(store);
    private readonly JsonDocuments<ModelDocument> _models = new(store);

    /// <summary>Newest first, by the time of the latest event heard about the run.</summary>
    public async Task<IReadOnlyList<RunView>> RunsAsync(CancellationToken cancellationToken)
    {
        var runs = await _runs.ListAsync(PipelineKeys.Runs, PipelineKeys.Suffix, cancellationToken);
        var evaluations = await _evaluations.ListAsync(PipelineKeys.Evaluations, PipelineKeys.Suffix, cancellationToken);
        var models = await _models.ListAsync(PipelineKeys.Models, PipelineKeys.Suffix, cancellationToken);
        var latestEvaluation = evaluations.Where(e => e.JobId.Length > 0).GroupBy(e => e.JobId)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.CompletedAt).ThenBy(e => e.EvaluationId, StringComparer.Ordinal).Last());
        return [.. runs.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.JobId, StringComparer.Ordinal)
            .Select(run => View(run, latestEvaluation.GetValueOrDefault(run.JobId), models))];
    }

    public async Task<CurveView?> CurveAsync(string jobId, CancellationToken cancellationToken) =>
        await _runs.GetAsync(PipelineKeys.Run(jobId), cancellationToken) is { } found ? new CurveView(found.Document.JobId, found.Document.Curve.Points) : null;

    /// <summary>Newest first; an evaluation that named no model shows the model its job was registered as.</summary>
    public async Task<IReadOnlyList<EvaluationView>> EvaluationsAsync(CancellationToken cancellationToken)
    {
        var evaluations = await _evaluations.ListAsync(PipelineKeys.Evaluations, PipelineKeys.Suffix, cancellationToken);
        var models = await _models.ListAsync(PipelineKeys.Models, PipelineKeys.Suffix, cancellationToken);
        return [.. evaluations.OrderByDescending(e => e.CompletedAt).ThenBy(e => e.EvaluationId, StringComparer.Ordinal)
            .Select(e => new EvaluationView(e.EvaluationId, e.JobId, e.Model ?? ModelOf(e.JobId, models), e.Passed, e.Metrics, e.FailedChecks, e.CompletedAt))];
    }

    public async Task<IReadOnlyList<ModelView>> ModelsAsync(CancellationToken cancellationToken) =>
        [.. (await _models.ListAsync(PipelineKeys.Models, PipelineKeys.Suffix, cancellationToken)).OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new ModelView(m.Name, m.Aliases, m.Versions, m.History))];

    private static RunView View(RunDocument run, EvaluationRecord? evaluation, IReadOnlyList<ModelDocument> models)
    {
        var model = run.Model ?? evaluation?.Model ?? ModelOf(run.JobId, models);
        var aliases = model is null ? [] : models.Where(m => m.Name == model.Name)
            .SelectMany(m => m.Aliases).Where(a => a.Value == model.Version).Select(a => a.Key).ToList();
        return new RunView(run.JobId, run.Dataset, run.BaseModel, run.Method, run.Status(evaluation is not null), run.Step,
            run.TotalSteps > 0 ? run.TotalSteps : run.Step, run.TrainLoss, run.ValidationLoss,
            evaluation is null ? null : new RunEvaluationView(evaluation.EvaluationId, evaluation.Passed, evaluation.FailedChecks, evaluation.Metrics),
            model, aliases, run.UpdatedAt);
    }

    private static ModelRef? ModelOf(string jobId, IReadOnlyList<ModelDocument> models) =>
        jobId.Length == 0 ? null : models.SelectMany(m => m.Versions.Where(v => v.JobId == jobId).Select(v => new ModelRef(m.Name, v.Version))).FirstOrDefault();
}
