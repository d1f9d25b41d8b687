using System.Text.Json;
using FineTune.Models.Formats;
using FineTune.Models.Evaluation;

namespace FineTune.Cli.FineTuning;

/// <summary>What one fine-tuning run cost and achieved: written as JSON by <c>finetune train --summary</c>, read by <c>finetune evidence</c>.</summary>
internal sealed record FineTuneSummary
{
    public required string Method { get; init; }
    public required string Task { get; init; }
    public required long TrainableParameters { get; init; }
    public required long TotalParameters { get; init; }
    /// <summary>Bytes the frozen base weights take in memory during training (fp32, or NF4 for QLoRA).</summary>
    public required long FrozenWeightBytes { get; init; }
    public required long PeakWorkingSetBytes { get; init; }
    public required double WallSeconds { get; init; }
    public required double TrainingSeconds { get; init; }
    public required double TokensPerSecond { get; init; }
    public required long Steps { get; init; }
    public required long TrainExamples { get; init; }
    public float? BestValidationLoss { get; init; }
    public bool StoppedEarly { get; init; }
    public double? TestScore { get; init; }
    public string? TestMetric { get; init; }
    /// <summary>The score's secondary numbers (valid-JSON rate, token F1, accuracy) where they apply.</summary>
    public TaskScore? TestDetails { get; init; }
    public double? GeneralPerplexityBefore { get; init; }
    public double? GeneralPerplexityAfter { get; init; }
    /// <summary>QLoRA: the largest |logit| difference between the 4-bit model with its adapter and the merged fp32 model.</summary>
    public double? MergeMaxLogitShift { get; init; }
    public double? MergeMeanLogitShift { get; init; }
    public IReadOnlyList<float> LossCurve { get; init; } = [];

    public static JsonSerializerOptions Json => SnakeCaseJson.Options;
}
