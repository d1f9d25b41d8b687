using FineTune.Models.Artifacts;
using FineTune.Contracts;
using FineTune.Datasets;
using FineTune.Datasets.Versions;
using FineTune.Evaluation.Gate;
using FineTune.Models.FineTuning.Data;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FineTune.Evaluation.Runs;

/// <summary>
/// Runs one evaluation from request to announcement: fetch the dataset version's splits and the
/// models, measure (<see cref="EvaluationRunner"/>), store the report, announce
/// <see cref="EvaluationCompleted"/>. The record says how far it got, so a retry after a crash
/// measures again but never announces twice, and a finished evaluation asked for again does nothing.
/// </summary>
public sealed class Evaluator(EvaluationStore evaluations, CuratedDatasets datasets, TrainedModels models, PolicyStore policies,
    EvaluationRunner runner, IBus bus, IOptions<EvaluationSettings> settings, ILogger<Evaluator> logger)
{
    public async Task RunAsync(string id, EvaluationRequest request, CancellationToken cancellationToken)
    {
        var record = await evaluations.GetOrCreateAsync(id, request, cancellationToken);
        if (record is { Status: EvaluationStatus.Succeeded, Announced: true } or { Status: EvaluationStatus.Failed })
        {
            logger.LogInformation("Evaluation {Id} is already {Status}; nothing to do", id, record.Status);
            return;
        }
        await evaluations.UpdateAsync(id, r => r with { Status = EvaluationStatus.Running }, cancellationToken);
        try
        {
            var (report, candidate) = await MeasureAsync(id, request, cancellationToken);
            var stored = await evaluations.SaveReportAsync(report, cancellationToken);
            await evaluations.UpdateAsync(id, r => r with
            {
                Status = EvaluationStatus.Succeeded, Passed = report.Gate.Passed, FailedRules = report.Gate.FailedRules,
                ReportKey = stored.Key, FinishedAt = DateTimeOffset.UtcNow,
            }, cancellationToken);
            await bus.Publish(new EvaluationCompleted(id, request.JobId ?? "", null, candidate, report.Dataset,
                new ArtifactRef($"artifacts://{stored.Key}", stored.Sha256, stored.Length), report.Gate.Passed, report.Metrics(), report.Gate.FailedRules,
                DateTimeOffset.UtcNow), cancellationToken);
            await evaluations.UpdateAsync(id, r => r with { Announced = true }, cancellationToken);
            logger.LogInformation("Evaluation {Id} of {Dataset} v{Version}: {Verdict}", id, report.Dataset.DatasetId, report.Dataset.Version, report.Gate.Passed ? "passed" : "failed");
        }
        catch (ArgumentException e)
        {
            // a request that cannot be evaluated as asked: say why, once, and stop
            await evaluations.UpdateAsync(id, r => r with { Status = EvaluationStatus.Failed, Error = e.Message, FinishedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        }
    }

    private async Task<(EvaluationReport Report, ArtifactRef Candidate)> MeasureAsync(string id, EvaluationRequest request, CancellationToken cancellationToken)
    {
        var work = Path.Combine(settings.Value.WorkFolder, id);
        Directory.CreateDirectory(work);
        var version = await datasets.FindAsync(request.Dataset, "dataset", cancellationToken);
        var test = await ReadChatsAsync(version.Test, Path.Combine(work, "test.jsonl"), cancellationToken);
        var train = await ReadChatsAsync(version.Train, Path.Combine(work, "train.jsonl"), cancellationToken);

        var baseName = request.BaseModel ?? throw new ArgumentException("'base_model' is required.", "base_model");
        var baseModel = models.LoadBase(baseName);
        var text = ModelText.Load(Path.Combine(settings.Value.Models, baseName));
        var candidate = baseModel;
        var candidateRef = new ArtifactRef($"model://{baseName}", "", 0);
        if (request.JobId is { } jobId)
        {
            var job = await models.FindAsync(jobId, "job_id", cancellationToken);
            candidate = await models.LoadAsync(job, baseModel, work, cancellationToken);
            candidateRef = job.Result!.Weights;
        }
        var production = request.ProductionJobId is { } productionId
            ? await models.LoadAsync(await models.FindAsync(productionId, "production_job_id", cancellationToken), baseModel, work, cancellationToken)
            : null;
        var policy = await policies.GetAsync(request.ModelName, cancellationToken);
        var inputs = new EvaluationInputs(id, baseName, request.JobId, new DatasetRef(version.Dataset, version.Version, version.Sha256), baseModel, candidate,
            production, text, test, train, version.Canaries ?? [], policy);
        var report = await Task.Run(() => runner.Run(inputs, cancellationToken: cancellationToken), cancellationToken);
        return (report, candidateRef);
    }

    private async Task<IReadOnlyList<ChatRecord>> ReadChatsAsync(CuratedFile file, string path, CancellationToken cancellationToken)
    {
        await datasets.DownloadAsync(file, path, cancellationToken);
        var records = TaskRecord.ReadFile(path);
        return records.All(r => r is ChatRecord)
            ? [.. records.Cast<ChatRecord>()]
            : throw new ArgumentException("Only chat datasets are evaluated by generation; this version holds other records.", "dataset");
    }
}
