namespace FineTune.Cli.Commands;

/// <summary>The seven stages and where each one stands; <c>finetune run</c> reports this honestly.</summary>
internal sealed record PipelineStage(string Name, int Issue, bool IsBuilt);

internal static class PipelineStages
{
    public static IReadOnlyList<PipelineStage> All { get; } =
    [
        new("1 curation", 6, true),
        new("2 training", 7, false),
        new("3 evaluation & safety", 8, false),
        new("4 registry", 9, false),
        new("5 inference", 10, false),
        new("6 gateway", 11, false),
        new("7 monitoring", 12, false),
    ];
}
