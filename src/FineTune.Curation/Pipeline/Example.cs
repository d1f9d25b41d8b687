using FineTune.Datasets;

namespace FineTune.Curation.Pipeline;

/// <summary>A record on its way through the pipeline, with where it came from and what the steps learned about it.</summary>
internal sealed class Example(string file, TaskRecord record)
{
    public string File { get; } = file;
    public TaskRecord Record { get; set; } = record;
    public SourceLine Source => new(File, Record.Line);
    /// <summary>The class stratification and balancing count (a label, or a chat reply from a small set), or null.</summary>
    public string? Class { get; set; }
    public string Language { get; set; } = "und";
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    /// <summary>For an augmented copy, the source line of the original.</summary>
    public int? AugmentedFrom { get; init; }
}
