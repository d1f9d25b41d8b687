using FineTune.Models.FineTuning;

namespace FineTune.Cli.FineTuning;

/// <summary>Everything <c>finetune train</c> was asked to do.</summary>
internal sealed record FineTuneSettings
{
    public required string ModelFolder { get; init; }
    public required string TrainFile { get; init; }
    public string? ValidationFile { get; init; }
    public string? TestFile { get; init; }
    public string? GeneralTextFile { get; init; }
    public required string OutputFolder { get; init; }
    public required string RunFolder { get; init; }
    public string? SummaryFile { get; init; }
    public required FineTuneOptions Training { get; init; }
    /// <summary>Score at most this many test examples (null: all).</summary>
    public int? TestLimit { get; init; }
}
