using System.Text.Json;
using FineTune.Storage.Artifacts;

namespace FineTune.Models.Artifacts;

/// <summary>
/// Registered model versions as the registry stores them (<c>registry/models/{name}/model.json</c>
/// with its aliases, <c>versions/{000001}.json</c> with each version's training job): which version
/// an alias points at, and which job made a version — so evaluation compares with what serves now
/// and inference loads what the registry says. Null where there is none.
/// </summary>
public sealed class ProductionModels(IArtifactStore store)
{
    /// <summary>The version the model's alias points at now.</summary>
    public async Task<int?> VersionOfAliasAsync(string modelName, string alias, CancellationToken cancellationToken)
    {
        var model = await ReadAsync($"registry/models/{modelName}/model.json", cancellationToken);
        return model is { } m && m.TryGetProperty("aliases", out var aliases) && aliases.TryGetProperty(alias, out var version) ? version.GetInt32() : null;
    }

    /// <summary>The training job whose model is the version.</summary>
    public async Task<string?> JobOfVersionAsync(string modelName, int version, CancellationToken cancellationToken)
    {
        var document = await ReadAsync($"registry/models/{modelName}/versions/{version:D6}.json", cancellationToken);
        return document is { } d && d.TryGetProperty("job_id", out var job) ? job.GetString() : null;
    }

    public async Task<string?> JobOfProductionAsync(string modelName, CancellationToken cancellationToken) =>
        await VersionOfAliasAsync(modelName, "production", cancellationToken) is { } version ? await JobOfVersionAsync(modelName, version, cancellationToken) : null;

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
