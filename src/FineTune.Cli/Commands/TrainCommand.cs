using System.CommandLine;
using FineTune.Cli.FineTuning;
using FineTune.Models.Adapters;
using FineTune.Models.FineTuning;
using FineTune.Models.Training;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>
/// <c>finetune train</c>: fine-tune a model folder on a JSONL file with any method. Run it again with
/// the same arguments to resume from the last checkpoint.
/// </summary>
internal static class TrainCommand
{
    private static readonly FineTuneOptions Defaults = new();

    private static readonly Option<string> Model = new("--model") { Description = "Hugging Face model folder to fine-tune.", DefaultValueFactory = _ => Path.Combine("models", "finetune-base") };
    private static readonly Option<string> Data = new("--data") { Description = "Training JSONL: chat messages, prompt/completion, text, or text/label.", Required = true };
    private static readonly Option<string?> Validation = new("--validation") { Description = "Validation JSONL (validation loss, early stopping)." };
    private static readonly Option<string?> Test = new("--test") { Description = "Held-out JSONL to score after training." };
    private static readonly Option<int?> TestLimit = new("--test-limit") { Description = "Score at most this many test examples." };
    private static readonly Option<string?> GeneralText = new("--general-text") { Description = "Plain text whose perplexity before and after shows forgetting." };
    private static readonly Option<string> Method = new("--method") { Description = "full, lora, qlora, dora or hft.", DefaultValueFactory = _ => "lora" };
    private static readonly Option<bool> Classify = new("--classify") { Description = "Train a sequence-classification head on text/label data." };
    private static readonly Option<string[]> Classes = new("--classes") { Description = "Class names in head order (default: the training labels, sorted).", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<float> FocalGamma = new("--focal-gamma") { Description = "Focal loss γ for classification (0: weighted cross-entropy).", DefaultValueFactory = _ => 0f };
    private static readonly Option<int> Rank = new("--rank") { DefaultValueFactory = _ => Defaults.Rank };
    private static readonly Option<double> Alpha = new("--alpha") { DefaultValueFactory = _ => Defaults.Alpha };
    private static readonly Option<double> Dropout = new("--dropout") { DefaultValueFactory = _ => Defaults.Dropout };
    private static readonly Option<string[]> Targets = new("--targets") { Description = "Adapter target modules: q k v o gate up down.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. LoraTargets.All] };
    private static readonly Option<bool> RsLora = new("--rslora") { Description = "Scale adapters by alpha/√rank (rsLoRA)." };
    private static readonly Option<int> HftRoundSteps = new("--hft-round-steps") { DefaultValueFactory = _ => Defaults.HalfFineTuningRoundSteps };
    private static readonly Option<int> Epochs = new("--epochs") { DefaultValueFactory = _ => Defaults.Epochs };
    private static readonly Option<int?> MaxSteps = new("--max-steps");
    private static readonly Option<int> Batch = new("--batch") { DefaultValueFactory = _ => Defaults.BatchSize };
    private static readonly Option<int> Accumulate = new("--grad-accum") { DefaultValueFactory = _ => Defaults.GradientAccumulation };
    private static readonly Option<double> LearningRate = new("--lr") { DefaultValueFactory = _ => Defaults.LearningRate };
    private static readonly Option<double> WarmupRatio = new("--warmup-ratio") { DefaultValueFactory = _ => Defaults.WarmupRatio };
    private static readonly Option<LearningRateDecay> Schedule = new("--schedule") { DefaultValueFactory = _ => Defaults.Decay };
    private static readonly Option<double> WeightDecay = new("--weight-decay") { DefaultValueFactory = _ => Defaults.WeightDecay };
    private static readonly Option<int?> MaxSequence = new("--max-seq") { Description = "Longest example in tokens (default: the model's context)." };
    private static readonly Option<OverlongPolicy> Overlong = new("--overlong") { Description = "Reject or Truncate examples over --max-seq.", DefaultValueFactory = _ => Defaults.Overlong };
    private static readonly Option<int> EvaluateEvery = new("--eval-every") { DefaultValueFactory = _ => Defaults.EvaluateEvery };
    private static readonly Option<int?> Patience = new("--patience") { Description = "Stop after this many evaluations without a better validation loss." };
    private static readonly Option<int> CheckpointEvery = new("--checkpoint-every") { DefaultValueFactory = _ => Defaults.CheckpointEvery };
    private static readonly Option<int> Seed = new("--seed") { DefaultValueFactory = _ => Defaults.Seed };
    private static readonly Option<string> Output = new("--out") { Description = "Folder for the adapter (PEFT format) or the model.", Required = true };
    private static readonly Option<string?> Run = new("--run") { Description = "Working folder for checkpoints (default: .finetune/runs/<name of --out>)." };
    private static readonly Option<string?> Summary = new("--summary") { Description = "Write the run's numbers as JSON here." };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("train", "Fine-tune a model with full, LoRA, QLoRA, DoRA or Half Fine-Tuning (resumes when run again).")
        {
            Model, Data, Validation, Test, TestLimit, GeneralText, Method, Classify, Classes, FocalGamma, Rank, Alpha, Dropout, Targets, RsLora,
            HftRoundSteps, Epochs, MaxSteps, Batch, Accumulate, LearningRate, WarmupRatio, Schedule, WeightDecay, MaxSequence, Overlong,
            EvaluateEvery, Patience, CheckpointEvery, Seed, Output, Run, Summary,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() =>
        {
            new FineTuneJob(Settings(parse), console).Run(cancellationToken);
            return Task.FromResult(0);
        }, console));
        return command;
    }

    private static FineTuneSettings Settings(ParseResult parse)
    {
        var output = parse.GetValue(Output)!;
        return new FineTuneSettings
        {
            ModelFolder = parse.GetValue(Model)!,
            TrainFile = parse.GetValue(Data)!,
            ValidationFile = parse.GetValue(Validation),
            TestFile = parse.GetValue(Test),
            TestLimit = parse.GetValue(TestLimit),
            GeneralTextFile = parse.GetValue(GeneralText),
            OutputFolder = output,
            RunFolder = parse.GetValue(Run) ?? Path.Combine(".finetune", "runs", Path.GetFileName(Path.GetFullPath(output))),
            SummaryFile = parse.GetValue(Summary),
            Training = new FineTuneOptions
            {
                Method = FineTuneMethods.Parse(parse.GetValue(Method)!),
                Task = parse.GetValue(Classify) ? FineTuneTask.SequenceClassification : FineTuneTask.CausalLanguageModel,
                Classes = parse.GetValue(Classes) ?? [],
                FocalGamma = parse.GetValue(FocalGamma),
                Rank = parse.GetValue(Rank),
                Alpha = parse.GetValue(Alpha),
                Dropout = parse.GetValue(Dropout),
                TargetModules = parse.GetValue(Targets)!,
                UseRsLora = parse.GetValue(RsLora),
                HalfFineTuningRoundSteps = parse.GetValue(HftRoundSteps),
                Epochs = parse.GetValue(Epochs),
                MaxSteps = parse.GetValue(MaxSteps),
                BatchSize = parse.GetValue(Batch),
                GradientAccumulation = parse.GetValue(Accumulate),
                LearningRate = parse.GetValue(LearningRate),
                WarmupRatio = parse.GetValue(WarmupRatio),
                Decay = parse.GetValue(Schedule),
                WeightDecay = parse.GetValue(WeightDecay),
                MaxSequenceLength = parse.GetValue(MaxSequence),
                Overlong = parse.GetValue(Overlong),
                EvaluateEvery = parse.GetValue(EvaluateEvery),
                EarlyStoppingPatience = parse.GetValue(Patience),
                CheckpointEvery = parse.GetValue(CheckpointEvery),
                Seed = parse.GetValue(Seed),
            },
        };
    }
}
