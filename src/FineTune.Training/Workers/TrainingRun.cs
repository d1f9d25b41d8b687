using System.Text.Json;
using FineTune.Datasets;
using FineTune.Models;
using FineTune.Models.Adapters;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.FineTuning.Search;
using FineTune.Models.Llama;
using FineTune.Training.Jobs;

namespace FineTune.Training.Workers;

/// <summary>A job that cannot run on this worker for a reason the user can fix (too big, bad data).</summary>
public sealed class JobRefusedException(string code, string message, string? param = null) : Exception(message)
{
    public string Code { get; } = code;
    public string? Param { get; } = param;
}

/// <summary>What a finished run left in its output folder; for a search, also what every trial did.</summary>
public sealed record RunOutcome(string OutputFolder, string WeightsFile, bool IsAdapter, FineTuneResult Result, SearchSummary? Search = null);

/// <summary>
/// The synchronous heart of a job on one worker: load the base model and the downloaded splits,
/// check the memory it will need, train (resuming from a checkpoint in the run folder if there is
/// one), and write the adapter or model, its loss chart and metrics to the output folder.
/// </summary>
public sealed class TrainingRun(string modelFolder, string trainFile, string? validationFile, string workFolder, long availableMemory)
{
    public string RunFolder => Path.Combine(workFolder, "run");

    public string OutputFolder => Path.Combine(workFolder, "output");

    public RunOutcome Train(TrainingJob job, IProgress<FineTuneProgress> progress, Action<string> checkpointSaved, CancellationToken cancellationToken)
    {
        var text = ModelText.Load(modelFolder);
        var (model, quantized) = job.Options.Method == FineTuneMethod.Qlora ? QuantizedBase.Load(modelFolder) : (LlamaCheckpoints.Load(modelFolder), null);
        var trainRecords = Read(trainFile);
        var options = job.Options.Task == FineTuneTask.SequenceClassification && job.Options.Classes.Count == 0
            ? job.Options with { Classes = [.. trainRecords.OfType<ClassRecord>().Select(r => r.Label).Distinct().Order(StringComparer.Ordinal)] }
            : job.Options;
        var train = Prepare("train", trainRecords, trainFile, text, options, model.Config);
        var validation = validationFile is null ? null : Prepare("validation", Read(validationFile), validationFile, text, options, model.Config);

        var sequence = Math.Min(options.SequenceLimit(model.Config), Math.Max(train.LongestExample, validation?.LongestExample ?? 0));
        var estimate = MemoryEstimate.For(model.Config, options, sequence, validation is not null);
        if (estimate.RefusalFor(availableMemory) is { } refusal) throw new JobRefusedException("insufficient_memory", refusal, "hyperparameters.batch_size");

        SearchSummary? summary = null;
        FineTuneResult result;
        if (job.Search is { } space)
        {
            // trials start from fresh base weights each; a search starts over if its worker dies (trials are short)
            var searchFolder = Path.Combine(workFolder, "search");
            if (Directory.Exists(searchFolder)) Directory.Delete(searchFolder, recursive: true);
            var search = new HyperparameterSearch(space, options).Run(() => LlamaCheckpoints.Load(modelFolder), train, validation, searchFolder, text.PadId, job.Model,
                new SearchReporter(progress), cancellationToken);
            summary = SearchSummary.Of(search);
            result = search.Best?.Run ?? throw new JobRefusedException("search_found_nothing", "No trial of the search completed; widen the learning rates or epochs.", "extensions.search");
        }
        else result = new FineTuner(options).Run(model, train, validation, RunFolder, text.PadId, job.Model, progress, cancellationToken, quantized, checkpointSaved);
        if (Directory.Exists(OutputFolder)) Directory.Delete(OutputFolder, recursive: true);
        result.Save(model, OutputFolder);
        LossChart.Write(Path.Combine(OutputFolder, "loss.svg"), result.History, $"{options.Method.Name()} on {job.Dataset.DatasetId} v{job.Dataset.Version}");
        File.WriteAllText(Path.Combine(OutputFolder, "metrics.json"), JsonSerializer.Serialize(new
        {
            method = options.Method.Name(), steps = result.Steps, total_steps = result.TotalSteps, stopped_early = result.StoppedEarly,
            best_step = result.BestStep, best_validation_loss = result.BestValidationLoss, trainable_parameters = result.TrainableParameters,
            tokens_seen = result.TokensSeen, tokens_per_second = result.TokensPerSecond, training_seconds = result.TrainingTime.TotalSeconds,
            memory_estimate_bytes = estimate.Total, history = result.History.Select(h => new { step = h.Step, epoch = h.Epoch, loss = h.Loss, validation_loss = h.ValidationLoss, learning_rate = h.LearningRate }),
        }, MetricsJson));
        var isAdapter = result.Adapter is not null;
        var weights = Path.Combine(OutputFolder, isAdapter ? "adapter_model.safetensors" : "model.safetensors");
        return new RunOutcome(OutputFolder, weights, isAdapter, result, summary);
    }

    /// <summary>A search's steps report like a single run's; each trial's outcome shows in the job's events through the summary.</summary>
    private sealed class SearchReporter(IProgress<FineTuneProgress> training) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value)
        {
            if (value.Training is { } step) training.Report(step);
        }
    }

    private static readonly JsonSerializerOptions MetricsJson = new() { WriteIndented = true };

    private static List<TaskRecord> Read(string file)
    {
        try { return TaskRecord.ReadFile(file); }
        catch (InvalidDataException e) { throw new JobRefusedException("invalid_training_file", e.Message, "training_file"); }
    }

    private static ExampleSet Prepare(string split, IReadOnlyList<TaskRecord> records, string file, ModelText text, FineTuneOptions options, LlamaConfig config)
    {
        try { return ExampleSet.Prepare(split, TaskExamples.From(records, text, options, file), options, config); }
        catch (ArgumentException e) { throw new JobRefusedException("invalid_training_file", e.Message, split == "train" ? "training_file" : "validation_file"); }
    }
}
