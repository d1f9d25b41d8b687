using System.Text.Json.Serialization;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Search;
using FineTune.Training.Jobs;

namespace FineTune.Training.Apis;

/// <summary>A job in OpenAI's <c>fine_tuning.job</c> shape, with FineTune's settings and live state under <c>extensions</c>.</summary>
public sealed record JobView(
    string Id, long CreatedAt, long? FinishedAt, string Model, string? FineTunedModel, string OrganizationId, JobStatus Status,
    string TrainingFile, string? ValidationFile, HyperparametersView Hyperparameters, MethodView Method, IReadOnlyList<string> ResultFiles,
    long? TrainedTokens, JobError? Error, int Seed, string? Suffix, ExtensionsView Extensions)
{
    [JsonPropertyName("object")]
    public string Object => "fine_tuning.job";

    public static JobView Of(TrainingJob job)
    {
        var o = job.Options;
        var hyperparameters = new HyperparametersView(o.Epochs, o.BatchSize, o.LearningRate / (o.Method.UsesAdapter() ? JobFactory.AdapterLearningRate : JobFactory.FullLearningRate));
        return new JobView(job.Id, job.CreatedAt.ToUnixTimeSeconds(), job.FinishedAt?.ToUnixTimeSeconds(), job.Model, job.FineTunedModel, "org-finetune",
            job.Status, job.TrainingFile, job.ValidationFile, hyperparameters, new MethodView("supervised", new SupervisedView(hyperparameters)),
            job.Result?.Files.Select(f => f.Uri).ToList() ?? [], job.Result?.TrainedTokens, job.Error, o.Seed, job.Suffix,
            new ExtensionsView(o.Method.Name(), o.Method.UsesAdapter() ? o.Rank : null, o.Method.UsesAdapter() ? o.Alpha : null,
                o.Method.UsesAdapter() ? o.TargetModules : null, o.LearningRate, o.Decay.ToString().ToLowerInvariant(), o.EarlyStoppingPatience,
                o.MaxSteps, job.Step, job.TotalSteps, job.Lease?.Worker, job.Dataset.DatasetId, job.Dataset.Version, job.Result?.Weights.Uri,
                job.Result?.Weights.Sha256, job.Search, job.SearchResult));
    }
}

public sealed record HyperparametersView(int NEpochs, int BatchSize, double LearningRateMultiplier);

public sealed record MethodView(string Type, SupervisedView Supervised);

public sealed record SupervisedView(HyperparametersView Hyperparameters);

/// <summary>FineTune's part of a job: the method and its settings, where it stands, who runs it, what it made.</summary>
public sealed record ExtensionsView(string Method, int? Rank, double? LoraAlpha, IReadOnlyList<string>? TargetModules, double LearningRate,
    string Schedule, int? EarlyStoppingPatience, int? MaxSteps, int Step, int TotalSteps, string? Worker, string Dataset, int DatasetVersion,
    string? Model, string? ModelSha256, SearchSpace? Search, SearchSummary? SearchResult);

/// <summary>A stored checkpoint in OpenAI's <c>fine_tuning.job.checkpoint</c> shape.</summary>
public sealed record CheckpointView(string Id, long CreatedAt, string FineTunedModelCheckpoint, string FineTuningJobId, int StepNumber, CheckpointMetrics Metrics)
{
    [JsonPropertyName("object")]
    public string Object => "fine_tuning.job.checkpoint";

    public static CheckpointView Of(TrainingJob job, JobCheckpoint checkpoint) =>
        new(checkpoint.Id, checkpoint.CreatedAt.ToUnixTimeSeconds(), $"ft:{job.Model}:{job.Suffix ?? "finetune"}:{job.Id}:ckpt-step-{checkpoint.Step}", job.Id,
            checkpoint.Step, new CheckpointMetrics(checkpoint.Step, checkpoint.TrainLoss, checkpoint.ValidationLoss));
}

public sealed record CheckpointMetrics(int Step, double TrainLoss, double? ValidLoss);

/// <summary>OpenAI's paginated list: <c>data</c>, <c>has_more</c>, and the ids to page with.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, bool HasMore, string? FirstId, string? LastId)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}
