using System.Text.Json;
using FineTune.Curation.Augmentation;
using FineTune.Curation.Cards;
using FineTune.Curation.Pipeline;
using FineTune.Testing;

namespace FineTune.Curation.Tests;

/// <summary>The noisy raw copies of the sample tasks (samples/tasks/*/raw) and the lines where each kind of noise was planted.</summary>
internal static class RawSamples
{
    public static string File(string task) => RepositoryFiles.PathOf("samples", "tasks", task, "raw", "train.jsonl");

    public static IReadOnlyList<int> Planted(string task, string kind)
    {
        using var noise = JsonDocument.Parse(System.IO.File.ReadAllText(RepositoryFiles.PathOf("samples", "tasks", task, "raw", "noise.json")));
        var section = kind.StartsWith("pii:", StringComparison.Ordinal) ? noise.RootElement.GetProperty("pii").GetProperty(kind[4..]) : noise.RootElement.GetProperty("noise").GetProperty(kind);
        return [.. section.EnumerateArray().Select(e => e.GetInt32())];
    }

    public static TokenCounter Tokens { get; } = TokenCounter.Load(RepositoryFiles.PathOf("models", "finetune-base", "tokenizer.json"));

    private static readonly Lazy<WordNetSynonyms> WordNet = new(() => WordNetSynonyms.Load());

    public static CurationPipeline Pipeline() => new(Tokens, () => WordNet.Value);
}
