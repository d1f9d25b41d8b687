using FineTune.Contracts;
using FineTune.Datasets.Versions;
using FineTune.Models;
using FineTune.Models.FineTuning;
using FineTune.Storage.Artifacts;
using FineTune.Training.Jobs;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FineTune.Training.Workers;

/// <summary>
/// Runs one job on this worker, from claim to result: take the job's lease (waiting while another
/// live worker holds it), fetch its data and newest checkpoint, train with progress events and
/// checkpoints copied to the artifact store, then store the output and announce it. A job that is
/// already finished is left alone (its outcome is announced again, which consumers take as a no-op);
/// a stop of this worker leaves the command on the queue for another to resume.
/// </summary>
public sealed class TrainingWorker(JobStore jobs, JobLeases leases, CuratedDatasets datasets, BaseModelCatalog models, CheckpointSync checkpoints,
    IArtifactStore store, IBus bus, TrainingMetrics metrics, IOptions<TrainingSettings> settings, ILogger<TrainingWorker> logger)
{
    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await leases.AcquireAsync(jobId, cancellationToken);
        if (job is null)
        {
            await AnnounceAgainAsync(jobId, cancellationToken);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(jobId, stop);
        try
        {
            var resumeFrom = job.Checkpoints.MaxBy(c => c.Step)?.Step;
            job = await jobs.UpdateAsync(jobId, j => j with { Status = JobStatus.ValidatingFiles }, cancellationToken);
            await jobs.AddEventAsync(jobId, JobEvent.Note(resumeFrom is { } step
                ? $"Worker {JobLeases.Me} resumes the job from the checkpoint at step {step}."
                : $"Worker {JobLeases.Me} started the job."), cancellationToken);
            var run = await PrepareAsync(job, stop.Token);
            job = await jobs.UpdateAsync(jobId, j => j with { Status = JobStatus.Running }, cancellationToken);
            metrics.Started();

            var outcome = await Task.Run(() => run.Train(job, new Reporter(bus, jobs, metrics, settings.Value.ProgressEvery, job), folder => UploadCheckpoint(job, folder, stop.Token), stop.Token), stop.Token);
            await CompleteAsync(job, outcome, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // not this worker stopping: a cancel was asked for, or another worker took the lease
            var current = await jobs.GetAsync(jobId, CancellationToken.None);
            if (current is { CancelRequested: true }) await FinishAsync(jobId, JobStatus.Cancelled, null, "The job was cancelled.");
            else logger.LogWarning("Job {JobId}: this worker lost its lease; another worker carries on", jobId);
        }
        catch (JobRefusedException e)
        {
            await FailAsync(job, e.Code, e.Message, e.Param);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or InvalidOperationException)
        {
            // the trainer's own checks and a diverging loss: the user changes a setting and submits again
            await FailAsync(job, "invalid_job", e.Message, (e as ArgumentException)?.ParamName);
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeat;
        }
    }

    private async Task<TrainingRun> PrepareAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        var work = Path.Combine(settings.Value.WorkFolder, job.Id);
        Directory.CreateDirectory(work);
        var train = await datasets.FindAsync(job.TrainingFile, "training_file", cancellationToken);
        var validation = job.ValidationFile is { } file ? await datasets.FindAsync(file, "validation_file", cancellationToken) : train;
        var trainPath = Path.Combine(work, "train.jsonl");
        await datasets.DownloadAsync(train.Train, trainPath, cancellationToken);
        string? validationPath = null;
        if (validation.Validation.Records > 0)
        {
            validationPath = Path.Combine(work, "validation.jsonl");
            await datasets.DownloadAsync(validation.Validation, validationPath, cancellationToken);
        }
        var run = new TrainingRun(models.Folder(job.Model), trainPath, validationPath, work, settings.Value.AvailableMemory);
        if (Directory.Exists(run.RunFolder)) Directory.Delete(run.RunFolder, recursive: true);
        await checkpoints.DownloadLatestAsync(job, run.RunFolder, cancellationToken);
        return run;
    }

    private void UploadCheckpoint(TrainingJob job, string folder, CancellationToken cancellationToken)
    {
        // called on the training thread between steps: the folder is whole and nothing writes to it until this returns
        var state = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, Models.Training.TrainingCheckpoint.StateFileName))).RootElement;
        var step = state.GetProperty("step").GetInt32();
        var last = state.GetProperty("history").EnumerateArray().LastOrDefault();
        double? validation = last.ValueKind == System.Text.Json.JsonValueKind.Object && last.TryGetProperty("validation_loss", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble() : null;
        var loss = last.ValueKind == System.Text.Json.JsonValueKind.Object ? last.GetProperty("loss").GetDouble() : double.NaN;
        checkpoints.UploadAsync(job.Id, folder, step, loss, validation, cancellationToken).GetAwaiter().GetResult();
        jobs.AddEventAsync(job.Id, JobEvent.Note($"Checkpoint at step {step} stored."), cancellationToken).GetAwaiter().GetResult();
    }

    private async Task CompleteAsync(TrainingJob job, RunOutcome outcome, CancellationToken cancellationToken)
    {
        var files = new List<ArtifactRef>();
        ArtifactRef? weights = null;
        foreach (var file in Directory.EnumerateFiles(outcome.OutputFolder).Order(StringComparer.Ordinal))
        {
            await using var content = File.OpenRead(file);
            var info = await store.PutAsync($"jobs/{job.Id}/output/{Path.GetFileName(file)}", content, cancellationToken: cancellationToken);
            var reference = new ArtifactRef($"artifacts://{info.Key}", info.Sha256, info.Length);
            files.Add(reference);
            if (file == outcome.WeightsFile) weights = reference;
        }
        var result = outcome.Result;
        var jobResult = new JobResult(weights!, outcome.IsAdapter, files, (int)result.Steps, result.History.Count > 0 ? result.History[^1].Loss : double.NaN,
            result.BestValidationLoss, result.TokensSeen, result.TrainingTime.TotalSeconds, result.StoppedEarly);
        // announced before the job is marked done: a crash in between repeats the announcement, never loses it
        await bus.Publish(Completed(job, jobResult), cancellationToken);
        if (outcome.Search is { } search)
        {
            await jobs.UpdateAsync(job.Id, j => j with { SearchResult = search }, cancellationToken);
            foreach (var trial in search.Trials)
                await jobs.AddEventAsync(job.Id, JobEvent.Note($"Trial {trial.Number}: learning rate {trial.LearningRate}, rank {trial.Rank}, {trial.Epochs} epoch(s) — {trial.Status.ToString().ToLowerInvariant()} after {trial.Steps} steps, best validation loss {trial.BestValidationLoss?.ToString("0.0000") ?? "-"}{(trial.Number == search.BestTrial ? " (best)" : "")}."), cancellationToken);
        }
        await FinishAsync(job.Id, JobStatus.Succeeded, jobResult, $"The job has successfully completed: {result.Steps} steps{(result.StoppedEarly ? " (stopped early)" : "")}, model at {weights!.Uri}.");
        metrics.Finished("succeeded", result.TrainingTime);
    }

    private async Task FailAsync(TrainingJob job, string code, string message, string? param)
    {
        var error = new JobError(code, message, param);
        await bus.Publish(new TrainingFailed(job.Id, job.Dataset, code, message, job.Step, DateTimeOffset.UtcNow));
        await jobs.UpdateAsync(job.Id, j => j with { Status = JobStatus.Failed, Error = error, FinishedAt = DateTimeOffset.UtcNow, Lease = null });
        await jobs.AddEventAsync(job.Id, JobEvent.Note($"The job failed: {message}", "error"));
        metrics.Finished("failed", TimeSpan.Zero);
    }

    private async Task FinishAsync(string jobId, JobStatus status, JobResult? result, string message)
    {
        await jobs.UpdateAsync(jobId, j => j with { Status = status, Result = result ?? j.Result, FinishedAt = DateTimeOffset.UtcNow, Lease = null });
        await jobs.AddEventAsync(jobId, JobEvent.Note(message));
    }

    /// <summary>A command for a finished job changes nothing; its outcome is announced again in case the first announcement was lost.</summary>
    private async Task AnnounceAgainAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(jobId, cancellationToken);
        logger.LogInformation("Job {JobId} is already {Status}; nothing to run", jobId, job?.Status);
        if (job is { Status: JobStatus.Succeeded, Result: { } result }) await bus.Publish(Completed(job, result), cancellationToken);
        else if (job is { Status: JobStatus.Failed, Error: { } error })
            await bus.Publish(new TrainingFailed(job.Id, job.Dataset, error.Code, error.Message, job.Step, job.FinishedAt ?? DateTimeOffset.UtcNow), cancellationToken);
    }

    private static TrainingCompleted Completed(TrainingJob job, JobResult result) =>
        new(job.Id, job.Dataset, job.Model, job.ContractMethod, job.Hyperparameters, result.Weights, result.IsAdapter, job.Suffix,
            result.Steps, result.FinalTrainLoss, result.BestValidationLoss, DateTimeOffset.UtcNow);

    /// <summary>Renews the lease until the run ends; a cancel request or a lost lease stops the run.</summary>
    private async Task HeartbeatAsync(string jobId, CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(leases.Duration / 3, stop.Token);
                var job = await leases.RenewAsync(jobId, stop.Token);
                if (job.CancelRequested || job.Lease?.Worker != JobLeases.Me) await stop.CancelAsync();
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Every <see cref="TrainingSettings.ProgressEvery"/> steps, and at the last: the event, the job's step, a metrics entry.</summary>
    private sealed class Reporter(IBus bus, JobStore jobs, TrainingMetrics metrics, int every, TrainingJob job) : IProgress<FineTuneProgress>
    {
        public void Report(FineTuneProgress p)
        {
            if (p.Step % every != 0 && p.Step != p.TotalSteps) return;
            bus.Publish(new TrainingProgressed(job.Id, (int)p.Step, (int)p.TotalSteps, p.Epoch, p.Loss, p.ValidationLoss, p.LearningRate,
                p.TokensPerSecond, DateTimeOffset.UtcNow)).GetAwaiter().GetResult();
            jobs.UpdateAsync(job.Id, j => j with { Step = (int)p.Step, TotalSteps = (int)p.TotalSteps }).GetAwaiter().GetResult();
            jobs.AddEventAsync(job.Id, JobEvent.Metrics($"Step {p.Step}/{p.TotalSteps}: training loss={p.Loss:0.0000}{(p.ValidationLoss is { } v ? $", validation loss={v:0.0000}" : "")}",
                new Dictionary<string, object?>
                {
                    ["step"] = p.Step, ["total_steps"] = p.TotalSteps, ["train_loss"] = p.Loss, ["valid_loss"] = p.ValidationLoss,
                    ["learning_rate"] = p.LearningRate, ["tokens_per_second"] = p.TokensPerSecond, ["eta_seconds"] = p.Remaining.TotalSeconds,
                })).GetAwaiter().GetResult();
            metrics.Progressed(p);
        }
    }
}
