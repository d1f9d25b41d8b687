using System.Text.Json;

namespace FineTune.Training.Jobs;

/// <summary>
/// <c>POST /v1/fine_tuning/jobs</c> as OpenAI takes it — <c>model</c>, <c>training_file</c>,
/// <c>validation_file</c>, <c>suffix</c>, <c>seed</c>, <c>hyperparameters</c> or
/// <c>method.supervised.hyperparameters</c> (<c>n_epochs</c>, <c>batch_size</c>,
/// <c>learning_rate_multiplier</c>, each a number or "auto") — plus FineTune's
/// <see cref="Extensions"/>. The files name curated dataset versions as <c>{dataset}:{version}</c>.
/// </summary>
public sealed record CreateJobRequest(
    string? Model,
    string? TrainingFile,
    string? ValidationFile = null,
    string? Suffix = null,
    int? Seed = null,
    OpenAiHyperparameters? Hyperparameters = null,
    JobMethod? Method = null,
    JobExtensions? Extensions = null);

public sealed record OpenAiHyperparameters(JsonElement? NEpochs = null, JsonElement? BatchSize = null, JsonElement? LearningRateMultiplier = null);

public sealed record JobMethod(string? Type = null, SupervisedMethod? Supervised = null);

public sealed record SupervisedMethod(OpenAiHyperparameters? Hyperparameters = null);

/// <summary>FineTune's settings beyond OpenAI's: the method and everything it takes.</summary>
/// <param name="Method">full, lora, qlora, dora or hft (default lora).</param>
/// <param name="LearningRate">Absolute learning rate; wins over learning_rate_multiplier (which multiplies the method's default: 3e-3 for adapters, 5e-4 for full and hft).</param>
/// <param name="Search">Makes the job a hyperparameter search over these values; the best trial's model is the job's.</param>
public sealed record JobExtensions(
    string? Method = null,
    int? Rank = null,
    double? LoraAlpha = null,
    double? LoraDropout = null,
    IReadOnlyList<string>? TargetModules = null,
    double? LearningRate = null,
    string? Schedule = null,
    double? WarmupRatio = null,
    double? WeightDecay = null,
    int? GradientAccumulationSteps = null,
    int? EarlyStoppingPatience = null,
    int? EvalSteps = null,
    int? SaveSteps = null,
    int? MaxSteps = null,
    int? MaxSeqLength = null,
    SearchRequest? Search = null);

/// <summary>A hyperparameter search: candidate values, grid or random, and how many random trials.</summary>
public sealed record SearchRequest(
    IReadOnlyList<double>? LearningRates = null,
    IReadOnlyList<int>? Ranks = null,
    IReadOnlyList<int>? Epochs = null,
    string? Strategy = null,
    int? MaxTrials = null);
