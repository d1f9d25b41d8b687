using System.Text.Json;
using FineTune.Storage.Artifacts;

namespace FineTune.Evaluation.Runs;

/// <summary>
/// Which training job's model is in production for a model name, read from the registry's documents
/// (<c>registry/models/{name}/model.json</c> → its production version → that version's job), so a
/// candidate is compared with what serves now. Null when nothing is in production yet.
/// </summary>
public sealed class ProductionModels(IArtifactStore store)
{
    public async Task<string?> JobOfProductionAsync(string modelName, CancellationToken cancellationToken)
    {
        var model = await ReadAsync($"registry/models/{modelName}/model.json", cancellationToken);
        if (model is not { } m || !m.TryGetProperty("aliases", out var aliases) || !aliases.TryGetProperty("production", out var production)) return null;
        var version = await ReadAsync($"registry/models/{modelName}/versions/{production.GetInt32():D6}.json", cancellationToken);
        return version is { } v && v.TryGetProperty("job_id", out var job) ? job.GetString() : null;
    }

    private async Task<JsonElement?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var read = await store.GetAsync(key, cancellationToken: cancellationToken);
            using var document = await JsonDocument.ParseAsync(read.Content, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is ArtifactNotFoundException or InvalidArtifactKeyException) { return null; }
    }
}
