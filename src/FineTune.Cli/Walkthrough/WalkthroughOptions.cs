using System.Text.RegularExpressions;

namespace FineTune.Cli.Walkthrough;

/// <summary>
/// What the walkthrough runs: the raw data, the fine-tuning method and a small training budget (so
/// the whole pipeline takes minutes on two cores), how many held-out questions to compare, and how
/// long to wait for each stage before saying what did not happen.
/// </summary>
public sealed partial record WalkthroughOptions
{
    public string DataFile { get; init; } = Path.Combine("samples", "support-chat.jsonl");
    /// <summary>lora, qlora, dora, full or hft.</summary>
    public string Method { get; init; } = "lora";
    /// <summary>Name of the dataset and the registered model; null: from the data file's name.</summary>
    public string? ModelName { get; init; }
    public string BaseModel { get; init; } = "finetune-base";
    // The sample curates to 31 training records, 2 steps an epoch. Measured on 2 cores with the shipped
    // model (2026-11-26): 120 steps at the service's 3e-3 learn the replies (task 0.5) but widen the
    // counterfactual bias gap past the gate's 1.0; 48–80 steps learn nothing the gate counts; 160 steps
    // at 1.5e-3 pass every rule (task 0.5, bias gap 0.98, forgetting 2.0) in about 80 s of training.
    public int Epochs { get; init; } = 100;
    public int MaxSteps { get; init; } = 160;
    /// <summary>Null: the training service's default for the method.</summary>
    public double? LearningRate { get; init; } = 1.5e-3;
    public int HeldOutPrompts { get; init; } = 3;
    public int MaxAnswerTokens { get; init; } = 64;
    public string Alias { get; init; } = "production";
    public TimeSpan TrainingTimeout { get; init; } = TimeSpan.FromMinutes(20);
    public TimeSpan EvaluationTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How long to wait for the registry's own promotion of a passing version before promoting it here.</summary>
    public TimeSpan PromotionGrace { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The registered model's name: <see cref="ModelName"/>, else the data file's name as the registry accepts names.</summary>
    public string ResolvedModelName => ModelName ?? NameFor(DataFile);

    public static string NameFor(string dataFile)
    {
        var name = InvalidCharacters().Replace(Path.GetFileNameWithoutExtension(dataFile).ToLowerInvariant(), "-").Trim('-', '.', '_');
        return name.Length == 0 ? "model" : name[..Math.Min(name.Length, 64)];
    }

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex InvalidCharacters();
}
