using System.Text.Json;
using FineTune.Contracts;
using FineTune.Datasets.Versions;
using FineTune.Models;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Search;
using FineTune.Models.Training;

namespace FineTune.Training.Jobs;

/// <summary>
/// Turns a request into a job a worker can run, checking everything that can be checked before a
/// worker is involved: the base model exists, the files are curated dataset versions, and every
/// setting is in range for that model. Errors are <see cref="ArgumentException"/>s whose ParamName
/// is the request field to fix.
/// </summary>
public sealed class JobFactory(BaseModelCatalog models, CuratedDatasets datasets, TimeProvider clock)
{
    public const double AdapterLearningRate = 3e-3, FullLearningRate = 5e-4;

    public async Task<TrainingJob> CreateAsync(CreateJobRequest request, CancellationToken cancellationToken = default)
    {
        var config = models.Config(request.Model ?? "");
        if (request.TrainingFile is null) throw new ArgumentException("'training_file' is required: a curated dataset version, e.g. 'support:1'.", "training_file");
        var train = await datasets.FindAsync(request.TrainingFile, "training_file", cancellationToken);
        if (request.ValidationFile is not null) await datasets.FindAsync(request.ValidationFile, "validation_file", cancellationToken);
        if (request.Suffix is { Length: > 64 }) throw new ArgumentException("'suffix' is longer than 64 characters.", "suffix");
        if (request.Method?.Type is { } type && type != "supervised")
            throw new ArgumentException($"method.type '{type}' is not supported; use 'supervised' (and extensions.method for full, lora, qlora, dora or hft).", "method.type");

        var extensions = request.Extensions ?? new JobExtensions();
        var openAi = request.Method?.Supervised?.Hyperparameters ?? request.Hyperparameters ?? new OpenAiHyperparameters();
        var method = Parse(extensions.Method ?? "lora", FineTuneMethods.Parse, "extensions.method");
        var defaults = new FineTuneOptions();
        var learningRate = extensions.LearningRate ?? (method.UsesAdapter() ? AdapterLearningRate : FullLearningRate) * (Number(openAi.LearningRateMultiplier, "learning_rate_multiplier") ?? 1);
        var options = defaults with
        {
            Method = method,
            Task = train.TaskType == "classification" ? FineTuneTask.SequenceClassification : FineTuneTask.CausalLanguageModel,
            Rank = extensions.Rank ?? defaults.Rank,
            Alpha = extensions.LoraAlpha ?? 2.0 * (extensions.Rank ?? defaults.Rank),
            Dropout = extensions.LoraDropout ?? defaults.Dropout,
            TargetModules = extensions.TargetModules ?? defaults.TargetModules,
            Epochs = (int?)Number(openAi.NEpochs, "n_epochs") ?? 3,
            BatchSize = (int?)Number(openAi.BatchSize, "batch_size") ?? defaults.BatchSize,
            LearningRate = learningRate,
            Decay = extensions.Schedule is { } schedule ? Parse(schedule, s => Enum.Parse<LearningRateDecay>(s, ignoreCase: true), "extensions.schedule") : defaults.Decay,
            WarmupRatio = extensions.WarmupRatio ?? defaults.WarmupRatio,
            WeightDecay = extensions.WeightDecay ?? defaults.WeightDecay,
            GradientAccumulation = extensions.GradientAccumulationSteps ?? defaults.GradientAccumulation,
            EarlyStoppingPatience = extensions.EarlyStoppingPatience,
            EvaluateEvery = extensions.EvalSteps ?? defaults.EvaluateEvery,
            CheckpointEvery = extensions.SaveSteps ?? defaults.CheckpointEvery,
            MaxSteps = extensions.MaxSteps,
            MaxSequenceLength = extensions.MaxSeqLength,
            Seed = request.Seed ?? defaults.Seed,
        };
        // a classification job's classes come from the data, on the worker; every other setting is checked now
        try { (options with { Task = FineTuneTask.CausalLanguageModel }).Validate(config); }
        catch (ArgumentException e) { throw new ArgumentException(e.Message, Field(e.ParamName)); }

        if (extensions.Search is not null && !method.UsesAdapter())
            throw new ArgumentException($"A hyperparameter search trains adapters (lora, qlora, dora); method '{method.Name()}' is not one.", "extensions.search");
        var search = extensions.Search is { } s ? Search(s, options) : null;
        return new TrainingJob
        {
            Id = JobStore.NewId(),
            CreatedAt = clock.GetUtcNow(),
            Model = request.Model!,
            TrainingFile = request.TrainingFile,
            ValidationFile = request.ValidationFile,
            Suffix = request.Suffix,
            Dataset = new DatasetRef(train.Dataset, train.Version, train.Sha256),
            Options = options,
            Search = search,
        };
    }

    private static SearchSpace Search(SearchRequest request, FineTuneOptions options)
    {
        var space = new SearchSpace
        {
            LearningRates = request.LearningRates ?? [options.LearningRate],
            Ranks = request.Ranks ?? [options.Rank],
            Epochs = request.Epochs ?? [options.Epochs],
            Strategy = request.Strategy is { } strategy ? Parse(strategy, st => Enum.Parse<SearchStrategy>(st, ignoreCase: true), "extensions.search.strategy") : SearchStrategy.Grid,
            MaxTrials = request.MaxTrials ?? 8,
            Seed = options.Seed,
        };
        try { _ = space.Trials(options).ToList(); }
        catch (ArgumentException e) { throw new ArgumentException(e.Message, $"extensions.search.{e.ParamName}"); }
        return space;
    }

    // OpenAI's hyperparameters are a number or "auto" (the default)
    private static double? Number(JsonElement? value, string field) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } number => number.GetDouble(),
        { ValueKind: JsonValueKind.String } text when text.GetString() == "auto" => null,
        { ValueKind: JsonValueKind.Null } => null,
        _ => throw new ArgumentException($"'{field}' must be a number or \"auto\", got {value}.", $"hyperparameters.{field}"),
    };

    private static T Parse<T>(string value, Func<string, T> parse, string field)
    {
        try { return parse(value); }
        catch (ArgumentException e) { throw new ArgumentException(e.Message, field); }
    }

    // the trainer names settings as Hugging Face does; the request names OpenAI's where there is one
    private static string Field(string? setting) => setting switch
    {
        "n_epochs" or "batch_size" => $"hyperparameters.{setting}",
        "learning_rate" or "rank" or "lora_alpha" or "lora_dropout" or "r" => $"extensions.{(setting == "r" ? "rank" : setting)}",
        null => "extensions",
        _ => $"extensions.{setting}",
    };
}
