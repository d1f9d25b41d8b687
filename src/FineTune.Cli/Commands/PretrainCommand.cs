using System.CommandLine;
using FineTune.Cli.Pretraining;
using FineTune.Models;
using FineTune.Models.Training;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>
/// <c>finetune pretrain</c>: a small base model from a text corpus — or continued pre-training of an
/// existing one with <c>--from</c>. Run it again with the same arguments to resume.
/// </summary>
internal static class PretrainCommand
{
    private static readonly Option<string> Corpus = new("--corpus") { Description = "Folder with train.txt, valid.txt and sources.json (scripts/corpus/build-corpus.sh).", DefaultValueFactory = _ => Path.Combine(".artifacts", "corpus") };
    private static readonly Option<string> Output = new("--out") { Description = "Hugging Face folder to write the model to.", DefaultValueFactory = _ => Path.Combine("models", "finetune-base") };
    private static readonly Option<string?> Run = new("--run") { Description = "Working folder for checkpoints and caches (default: .finetune/runs/<name of --out>)." };
    private static readonly Option<string?> From = new("--from") { Description = "Continue pre-training this Hugging Face model folder (its tokenizer is kept)." };
    private static readonly Option<int> Vocab = new("--vocab") { Description = "Tokenizer vocabulary size.", DefaultValueFactory = _ => 4096 };
    private static readonly Option<int> Layers = new("--layers") { DefaultValueFactory = _ => 6 };
    private static readonly Option<int> Hidden = new("--hidden") { DefaultValueFactory = _ => 256 };
    private static readonly Option<int> Intermediate = new("--intermediate") { DefaultValueFactory = _ => 688 };
    private static readonly Option<int> Heads = new("--heads") { DefaultValueFactory = _ => 8 };
    private static readonly Option<int> KvHeads = new("--kv-heads") { DefaultValueFactory = _ => 4 };
    private static readonly Option<int> Sequence = new("--seq") { Description = "Tokens per training window.", DefaultValueFactory = _ => 128 };
    private static readonly Option<int> Batch = new("--batch") { DefaultValueFactory = _ => 16 };
    private static readonly Option<int> Steps = new("--steps") { DefaultValueFactory = _ => 2000 };
    private static readonly Option<double> LearningRate = new("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 3e-3 };
    private static readonly Option<int> Warmup = new("--warmup") { DefaultValueFactory = _ => 100 };
    private static readonly Option<int> EvaluateEvery = new("--eval-every") { DefaultValueFactory = _ => 200 };
    private static readonly Option<int> EvaluationWindows = new("--eval-windows") { DefaultValueFactory = _ => 256 };
    private static readonly Option<int> CheckpointEvery = new("--checkpoint-every") { DefaultValueFactory = _ => 100 };
    private static readonly Option<ulong> Seed = new("--seed") { DefaultValueFactory = _ => 1UL };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("pretrain", "Pre-train a small base model on a text corpus (resumes when run again).")
        {
            Corpus, Output, Run, From, Vocab, Layers, Hidden, Intermediate, Heads, KvHeads, Sequence, Batch, Steps, LearningRate,
            Warmup, EvaluateEvery, EvaluationWindows, CheckpointEvery, Seed,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() => Task.FromResult(Execute(parse, console, cancellationToken)), console));
        return command;
    }

    private static int Execute(ParseResult parse, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var output = parse.GetValue(Output)!;
        var settings = new PretrainSettings
        {
            CorpusFolder = parse.GetValue(Corpus)!,
            OutputFolder = output,
            RunFolder = parse.GetValue(Run) ?? Path.Combine(".finetune", "runs", Path.GetFileName(Path.GetFullPath(output))),
            FromModel = parse.GetValue(From),
            Architecture = new LlamaConfig
            {
                VocabSize = parse.GetValue(Vocab), HiddenSize = parse.GetValue(Hidden), IntermediateSize = parse.GetValue(Intermediate),
                NumLayers = parse.GetValue(Layers), NumHeads = parse.GetValue(Heads), NumKeyValueHeads = parse.GetValue(KvHeads),
                TieWordEmbeddings = true, MaxPositionEmbeddings = Math.Max(512, parse.GetValue(Sequence)), RmsNormEps = 1e-5f,
            },
            Training = new PretrainOptions
            {
                BatchSize = parse.GetValue(Batch), SequenceLength = parse.GetValue(Sequence), Steps = parse.GetValue(Steps),
                PeakLearningRate = parse.GetValue(LearningRate), WarmupSteps = parse.GetValue(Warmup),
                EvaluateEvery = parse.GetValue(EvaluateEvery), EvaluationWindows = parse.GetValue(EvaluationWindows),
                CheckpointEvery = parse.GetValue(CheckpointEvery), Seed = parse.GetValue(Seed),
            },
            CommandLine = "dotnet run -c Release --project src/FineTune.Cli -- " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
        };
        settings.Architecture.Validate();
        new PretrainJob(settings, console).Run(cancellationToken);
        return 0;
    }
}
