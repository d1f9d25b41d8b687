using FineTune.Datasets;
using System.Diagnostics;
using System.Text.Json;
using FineTune.Cli.Pretraining;
using FineTune.Cli.Terminal;
using FineTune.Models;
using FineTune.Models.Adapters;
using FineTune.Models.Evaluation;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;
using FineTune.Models.Training;
using Spectre.Console;

namespace FineTune.Cli.FineTuning;

/// <summary>
/// <c>finetune train</c>: reads the data, checks it and the settings before anything trains,
/// trains with a progress bar, writes the adapter or model with a loss chart, and — when given a
/// test split and a general text — scores the task and measures forgetting.
/// </summary>
internal sealed class FineTuneJob(FineTuneSettings settings, IAnsiConsole console)
{
    /// <summary>Windows of general text scored for perplexity (forgetting), and their length.</summary>
    private const int PerplexityWindows = 128, PerplexitySequence = 128;

    public FineTuneSummary Run(CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var text = ModelText.Load(settings.ModelFolder);
        // QLoRA never holds the projections in fp32: they are quantized as they are read
        var (model, quantized) = settings.Training.Method == FineTuneMethod.Qlora
            ? QuantizedBase.Load(settings.ModelFolder)
            : (LlamaCheckpoints.Load(settings.ModelFolder), null);
        var baseName = Path.GetFileName(Path.GetFullPath(settings.ModelFolder));
        var trainRecords = TaskRecord.ReadFile(settings.TrainFile);
        var options = WithClasses(settings.Training, trainRecords);
        var train = Prepare("train", trainRecords, settings.TrainFile, text, options, model.Config);
        var validation = settings.ValidationFile is { } v ? Prepare("validation", TaskRecord.ReadFile(v), v, text, options, model.Config) : null;
        var test = settings.TestFile is { } t ? TaskRecord.ReadFile(t).Take(settings.TestLimit ?? int.MaxValue).ToList() : null;
        console.MarkupLineInterpolated(
            $"[bold]{options.Method.Name()}[/] on {baseName}: {train.Count:N0} training examples ({train.Tokens:N0} tokens, longest {train.LongestExample}){(train.Truncated > 0 ? $", {train.Truncated} truncated" : "")}");

        var general = settings.GeneralTextFile is { } g ? new TokenWindows(CorpusText.Tokenize(g, text.Tokenizer), PerplexitySequence) : null;
        double? Perplexity(LlamaModel m) => general is null ? null : Math.Exp(Pretrainer.Evaluate(m, general, batchSize: 8, PerplexityWindows));
        var before = quantized is null ? Perplexity(model) : null; // QLoRA's base is measured after training, so no fp32 copy exists while it trains

        var result = TrainWithProgress(new FineTuner(options), model, quantized, train, validation, text.PadId, baseName, cancellationToken);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64; // before evaluation makes merged copies
        result.Save(model, settings.OutputFolder);
        LossChart.Write(Path.Combine(settings.OutputFolder, "loss.svg"), result.History, $"{options.Method.Name()} — {Path.GetFileName(settings.TrainFile)}");

        var (evaluated, shift, frozenBytes) = ModelToEvaluate(model, quantized, result, options);
        before ??= quantized is null ? null : Perplexity(quantized.Dequantized(model));
        var taskScore = test is { Count: > 0 } ? Score(evaluated, result, text, test, options, cancellationToken) : null;
        var (score, metric) = (taskScore?.Score, taskScore is null ? null : MetricName(taskScore.Kind));
        var summary = new FineTuneSummary
        {
            Method = options.Method.Name(),
            Task = options.Task == FineTuneTask.SequenceClassification ? "classification" : "causal-lm",
            TrainableParameters = result.TrainableParameters,
            TotalParameters = model.ParameterCount + (quantized?.FrozenParameters ?? 0),
            FrozenWeightBytes = frozenBytes,
            PeakWorkingSetBytes = peak,
            WallSeconds = wall.Elapsed.TotalSeconds,
            TrainingSeconds = result.TrainingTime.TotalSeconds,
            TokensPerSecond = result.TokensPerSecond,
            Steps = result.Steps,
            TrainExamples = train.Count,
            BestValidationLoss = result.BestValidationLoss,
            StoppedEarly = result.StoppedEarly,
            TestScore = score,
            TestMetric = metric,
            TestDetails = taskScore,
            GeneralPerplexityBefore = before,
            GeneralPerplexityAfter = Perplexity(evaluated),
            MergeMaxLogitShift = shift?.Max,
            MergeMeanLogitShift = shift?.Mean,
            LossCurve = [.. result.History.Select(h => h.Loss)],
        };
        if (settings.SummaryFile is { } path) File.WriteAllText(path, JsonSerializer.Serialize(summary, FineTuneSummary.Json));
        console.MarkupLineInterpolated(
            $"[green]done[/] in {wall.Elapsed:mm\\:ss}{(result.Resumed ? $" (resumed at step {result.ResumedFromStep})" : "")}: {result.Steps} steps, {result.TokensPerSecond:N0} tokens/s, best validation loss {result.BestValidationLoss?.ToString("F4") ?? "-"}{(score is { } s ? $", test {metric} {s:P1}" : "")} → {settings.OutputFolder}");
        return summary;
    }

    /// <summary>Classification runs take their classes from the training labels when none are given.</summary>
    private static FineTuneOptions WithClasses(FineTuneOptions options, IReadOnlyList<TaskRecord> records) =>
        options.Task == FineTuneTask.SequenceClassification && options.Classes.Count == 0
            ? options with { Classes = [.. records.OfType<ClassRecord>().Select(r => r.Label).Distinct().Order(StringComparer.Ordinal)] }
            : options;

    private static ExampleSet Prepare(string split, IReadOnlyList<TaskRecord> records, string file, ModelText text, FineTuneOptions options, LlamaConfig config) =>
        ExampleSet.Prepare(split, TaskExamples.From(records, text, options, file), options, config);

    /// <summary>The model the trained weights make (an adapter merged in; QLoRA's into its dequantized base), and what the base cost in memory.</summary>
    private static (LlamaModel Model, MergeCheck.LogitShift? Shift, long FrozenBytes) ModelToEvaluate(
        LlamaModel model, QuantizedBase? quantized, FineTuneResult result, FineTuneOptions options)
    {
        if (result.Adapter is null)
        {
            var frozen = options.Method == FineTuneMethod.Full ? 0 : (model.ParameterCount - result.TrainableParameters) * sizeof(float);
            return (model, null, frozen);
        }
        var adapter = new AdapterParameters(result.Adapter, model.Config);
        if (quantized is null) return (AdapterMerge.Merge(model, adapter), null, model.ParameterCount * sizeof(float));
        var merged = AdapterMerge.Merge(quantized.Dequantized(model), adapter);
        var probe = Enumerable.Range(0, Math.Min(64, model.Config.MaxPositionEmbeddings)).Select(i => (i * 37 + 11) % model.Config.VocabSize).ToArray();
        var shift = MergeCheck.Measure(model, adapter, quantized, merged, probe);
        return (merged, shift, quantized.Bytes + model.ParameterCount * sizeof(float));
    }

    private TaskScore Score(LlamaModel model, FineTuneResult result, ModelText text, IReadOnlyList<TaskRecord> test, FineTuneOptions options,
        CancellationToken cancellationToken) => console.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
        .Start(context =>
        {
            var task = context.AddTask($"scoring {test.Count} test examples", maxValue: test.Count);
            var progress = new InlineProgress<int>(done => task.Value = done);
            if (result.Head is { } head) return HeldOutEvaluation.Classify(model, head, text, [.. test.Cast<ClassRecord>()], progress);
            var chats = test.Cast<ChatRecord>().ToList();
            return HeldOutEvaluation.Generate(model, text, chats, KindOf(chats, options), options.Classes.Count > 0 ? options.Classes : null,
                progress: progress, cancellationToken: cancellationToken);
        });

    /// <summary>JSON replies are scored field by field; anything else by exact match.</summary>
    internal static TaskKind KindOf(IReadOnlyList<ChatRecord> records, FineTuneOptions options)
    {
        if (options.Classes.Count > 0) return TaskKind.Classification;
        try { return JsonDocument.Parse(records[0].Reply).RootElement.ValueKind == JsonValueKind.Object ? TaskKind.JsonFields : TaskKind.ExactMatch; }
        catch (JsonException) { return TaskKind.ExactMatch; }
    }

    internal static string MetricName(TaskKind kind) => kind switch
    {
        TaskKind.JsonFields => "field accuracy",
        TaskKind.Classification => "macro-F1",
        _ => "exact match",
    };

    private FineTuneResult TrainWithProgress(FineTuner trainer, LlamaModel model, QuantizedBase? quantized, ExampleSet train, ExampleSet? validation, int padId,
        string baseName, CancellationToken cancellationToken)
    {
        FineTuneResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: 1);
                result = trainer.Run(model, train, validation, settings.RunFolder, padId, baseName, new InlineProgress<FineTuneProgress>(p =>
                {
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    var validationText = p.ValidationLoss is { } v ? $" val {v:F3}" : "";
                    task.Description = $"step {p.Step}/{p.TotalSteps} epoch {p.Epoch:F2} loss {p.Loss:F3}{validationText} lr {p.LearningRate:E1} {p.TokensPerSecond:N0} tok/s";
                }), cancellationToken, quantized);
            });
        return result!;
    }
}
