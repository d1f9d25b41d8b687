using System.Text.Json;
using FineTune.Datasets.Versions;
using FineTune.Storage.Artifacts;

namespace FineTune.Registry.Models;

/// <summary>A raw file a dataset version was curated from.</summary>
public sealed record SourceFile(string FileId, string? Filename, long? Bytes, string? Sha256);

/// <summary>Where an alias pointed at the version: when, by whom, and whether it still does.</summary>
public sealed record Deployment(string Alias, DateTimeOffset At, string By, string Reason, bool Current);

/// <summary>
/// A model version traced back to the bytes it came from and forward to where it serves: version →
/// training job → dataset version (its card's figures) → the raw uploaded files; and the aliases that
/// pointed at it, from the audit log.
/// </summary>
public sealed record Lineage(
    ModelVersion Model,
    VersionEvaluation? Evaluation,
    CuratedVersion? Dataset,
    IReadOnlyList<SourceFile> Sources,
    JsonElement? DatasetCard,
    IReadOnlyList<Deployment> Deployments);

/// <summary>Walks the stored documents to build a <see cref="Lineage"/>; a document that is gone shows as missing, not as an error.</summary>
public sealed class LineageReader(RegistryStore registry, CuratedDatasets datasets, IArtifactStore store)
{
    public async Task<Lineage> ReadAsync(ModelVersion version, CancellationToken cancellationToken = default)
    {
        CuratedVersion? dataset = null;
        try { dataset = await datasets.FindAsync($"{version.Dataset.DatasetId}:{version.Dataset.Version}", "dataset", cancellationToken); }
        catch (ArgumentException) { /* curated elsewhere, or deleted: the version still names it */ }

        var sources = new List<SourceFile>();
        foreach (var id in dataset?.Sources ?? [])
        {
            var file = await ReadJsonAsync($"files/{id}/file.json", cancellationToken);
            sources.Add(new SourceFile(id, Text(file, "filename"), file?.TryGetProperty("bytes", out var b) == true ? b.GetInt64() : null, Text(file, "sha256")));
        }
        var card = dataset?.Card is { } cardFile ? await ReadJsonAsync(cardFile.Key, cancellationToken) : null;

        var (model, _) = (await registry.GetModelAsync(version.Name, cancellationToken))!.Value;
        var deployments = (await registry.AuditAsync(version.Name, cancellationToken))
            .Where(e => e.To == version.Version && e.Alias is not null && (e.Action.StartsWith("promoted", StringComparison.Ordinal) || e.Action == "rolled back"))
            .Select(e => new Deployment(e.Alias!, e.At, e.By, e.Reason, model.Aliases.GetValueOrDefault(e.Alias!) == version.Version))
            .ToList();
        return new Lineage(version, await registry.GetEvaluationAsync(version.Name, version.Version, cancellationToken), dataset, sources, card, deployments);
    }

    private async Task<JsonElement?> ReadJsonAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var read = await store.GetAsync(key, cancellationToken: cancellationToken);
            using var document = await JsonDocument.ParseAsync(read.Content, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (ArtifactNotFoundException) { return null; }
    }

    private static string? Text(JsonElement? element, string property) =>
        element is { } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
