using System.Collections.Concurrent;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Datasets.Profiles;
using FineTune.Datasets.Versions;
using FineTune.Storage.Artifacts;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// Finds the reference profile a model version is compared against by walking its lineage in the
/// artifact store: registry version → training job → dataset version manifest → dataset card's
/// <c>reference</c> section. Found profiles are cached for good (versions are immutable); a version
/// with none (the base model, version 0, an unregistered version, a missing document) is remembered
/// for <see cref="MissRetry"/> before it is looked up again.
/// </summary>
public sealed class ReferenceProfiles(IArtifactStore store, TimeProvider clock)
{
    public static readonly TimeSpan MissRetry = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<ModelRef, VersionReference> _found = new();
    private readonly ConcurrentDictionary<ModelRef, DateTimeOffset> _missing = new();

    private sealed record RegistryVersion(string? JobId, DatasetRef? Dataset);

    private sealed record JobDocument(DatasetRef? Dataset);

    private sealed record CardDocument(ReferenceProfile? Reference);

    /// <summary>The version's reference, or null when it has none.</summary>
    public async Task<VersionReference?> FindAsync(ModelRef model, CancellationToken cancellationToken = default)
    {
        if (model.Version < 1) return null;
        if (_found.TryGetValue(model, out var found)) return found;
        if (_missing.TryGetValue(model, out var since) && clock.GetUtcNow() - since < MissRetry) return null;

        var reference = await LoadAsync(model, cancellationToken);
        if (reference is null) _missing[model] = clock.GetUtcNow();
        else
        {
            _found[model] = reference;
            _missing.TryRemove(model, out _);
        }
        return reference;
    }

    /// <summary>The cached reference of a version, without touching the store.</summary>
    public VersionReference? Cached(ModelRef model) => _found.GetValueOrDefault(model);

    private async Task<VersionReference?> LoadAsync(ModelRef model, CancellationToken cancellationToken)
    {
        var registered = await ReadAsync<RegistryVersion>($"registry/models/{model.Name}/versions/{model.Version:D6}.json", cancellationToken);
        if (registered is null) return null;
        var dataset = registered.JobId is { Length: > 0 } jobId
            ? (await ReadAsync<JobDocument>($"jobs/{jobId}/job.json", cancellationToken))?.Dataset ?? registered.Dataset
            : registered.Dataset;
        if (dataset is null) return null;
        var manifest = await ReadAsync<CuratedVersion>(DatasetVersionKeys.Manifest(dataset.DatasetId, dataset.Version), cancellationToken);
        if (manifest?.Card is not { } cardFile) return null;
        var card = await ReadAsync<CardDocument>(cardFile.Key, cancellationToken);
        return card?.Reference is { PromptTokens: not null, CompletionTokens: not null, PromptTokenFrequencies: not null } profile
            ? new VersionReference(model, dataset, profile)
            : null;
    }

    // A document that is missing, unreadable as a key, or not the JSON expected means "no reference":
    // monitoring must keep serving SLOs for the version rather than fail its records.
    private async Task<T?> ReadAsync<T>(string key, CancellationToken cancellationToken) where T : class
    {
        try
        {
            await using var read = await store.GetAsync(key, cancellationToken: cancellationToken);
            return await JsonSerializer.DeserializeAsync<T>(read.Content, ArtifactJson.Options, cancellationToken);
        }
        catch (Exception e) when (e is ArtifactNotFoundException or InvalidArtifactKeyException or JsonException)
        {
            return null;
        }
    }
}
