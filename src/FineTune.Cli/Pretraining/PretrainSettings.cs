using FineTune.Models;
using FineTune.Models.Training;

namespace FineTune.Cli.Pretraining;

/// <summary>What <c>finetune pretrain</c> was asked to do.</summary>
internal sealed record PretrainSettings
{
    public required string CorpusFolder { get; init; }
    public required string RunFolder { get; init; }
    public required string OutputFolder { get; init; }
    /// <summary>A Hugging Face folder to continue pre-training (its tokenizer is kept); null trains a new model.</summary>
    public string? FromModel { get; init; }
    public required LlamaConfig Architecture { get; init; }
    public required PretrainOptions Training { get; init; }
    /// <summary>Megabytes of the corpus the tokenizer is trained on (the start of train.txt).</summary>
    public int TokenizerSampleMegabytes { get; init; } = 16;
    public int EvaluationWindows => Training.EvaluationWindows;
    /// <summary>The command line that produced the run, for the model card.</summary>
    public required string CommandLine { get; init; }
}
