using FineTune.Models;
using FineTune.Models.Formats;
using Microsoft.Extensions.Options;

namespace FineTune.Training.Jobs;

/// <summary>The base models jobs may start from: one Hugging Face folder each under <see cref="TrainingSettings.Models"/>, named by the folder.</summary>
public sealed class BaseModels(IOptions<TrainingSettings> settings)
{
    public IReadOnlyList<string> Names =>
        Directory.Exists(settings.Value.Models)
            ? [.. Directory.EnumerateDirectories(settings.Value.Models).Where(d => File.Exists(Path.Combine(d, "config.json"))).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]
            : [];

    /// <summary>The model's folder; throws <see cref="ArgumentException"/> (param <c>model</c>) naming the models there are.</summary>
    public string Folder(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !Names.Contains(name))
            throw new ArgumentException($"Unknown base model '{name}'; this service has: {string.Join(", ", Names)}.", "model");
        return Path.Combine(settings.Value.Models, name);
    }

    public LlamaConfig Config(string name) => HuggingFaceConfig.Read(Path.Combine(Folder(name), "config.json"));
}
