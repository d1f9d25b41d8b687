using FineTune.Models.Formats;

namespace FineTune.Models;

/// <summary>The base models a service may start from: one Hugging Face folder each under <paramref name="folder"/>, named by the folder.</summary>
public sealed class BaseModelCatalog(string folder)
{
    public IReadOnlyList<string> Names =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateDirectories(folder).Where(d => File.Exists(Path.Combine(d, "config.json"))).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]
            : [];

    /// <summary>The model's folder; throws <see cref="ArgumentException"/> (param <c>model</c>) naming the models there are.</summary>
    public string Folder(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !Names.Contains(name))
            throw new ArgumentException($"Unknown base model '{name}'; this service has: {string.Join(", ", Names)}.", "model");
        return Path.Combine(folder, name);
    }

    public LlamaConfig Config(string name) => HuggingFaceConfig.Read(Path.Combine(Folder(name), "config.json"));
}
