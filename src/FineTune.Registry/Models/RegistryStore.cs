using System.Text.Json;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Registry.Models;

/// <summary>
/// The registry's documents, all in the artifact store so any replica (and a restarted one) sees the same:
/// <code>
/// registry/models/{name}/model.json                 aliases, history, policy (ETag-guarded)
/// registry/models/{name}/versions/{000001}.json     versions (create-only, immutable)
/// registry/models/{name}/evaluations/{000001}.json  evaluations attached to versions (create-only)
/// registry/models/{name}/audit/{time}-{id}.json     the audit log (append-only)
/// </code>
/// There is no index to keep in step: lists are read from the documents themselves.
/// </summary>
public sealed class RegistryStore(IArtifactStore store)
{
    private readonly JsonDocuments<RegisteredModel> _models = new(store);
    private readonly JsonDocuments<ModelVersion> _versions = new(store);
    private readonly JsonDocuments<VersionEvaluation> _evaluations = new(store);
    private readonly JsonDocuments<AuditEntry> _audit = new(store);

    public async Task<(RegisteredModel Model, string ETag)?> GetModelAsync(string name, CancellationToken cancellationToken = default) =>
        await _models.GetAsync(ModelKey(AliasNames.ValidateModel(name)), cancellationToken);

    /// <summary>The model's document, created with the defaults when the first version registers.</summary>
    public async Task<RegisteredModel> EnsureModelAsync(string name, CancellationToken cancellationToken)
    {
        if (await GetModelAsync(name, cancellationToken) is { } existing) return existing.Model;
        var model = new RegisteredModel { Name = name, CreatedAt = DateTimeOffset.UtcNow, AutoPromoteTo = AliasNames.Production };
        try { await _models.CreateAsync(ModelKey(name), model, cancellationToken); }
        catch (ArtifactPreconditionFailedException) { return (await GetModelAsync(name, cancellationToken))!.Value.Model; }
        return model;
    }

    /// <summary>Writes the model document only if it is still the one read (<paramref name="etag"/>); false when someone wrote first.</summary>
    public async Task<bool> TryReplaceModelAsync(RegisteredModel model, string etag, CancellationToken cancellationToken)
    {
        try
        {
            await store.PutAsync(ModelKey(model.Name), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(model, ServiceJson.Options)),
                new PutOptions { IfMatch = etag, ContentType = "application/json" }, cancellationToken);
            return true;
        }
        catch (ArtifactPreconditionFailedException) { return false; }
    }

    public Task<RegisteredModel> UpdateModelAsync(string name, Func<RegisteredModel, RegisteredModel?> change, CancellationToken cancellationToken = default) =>
        _models.UpdateAsync(ModelKey(name), change, cancellationToken);

    /// <summary>Every model name with a document.</summary>
    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        [.. (await _models.ListAsync("registry/models/", "/model.json", cancellationToken)).OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>Registers the next version number (create-only, so racing writers each get their own).</summary>
    public Task<ModelVersion> AddVersionAsync(string name, Func<int, ModelVersion> version, CancellationToken cancellationToken) =>
        NumberedDocuments.CreateNextAsync(async ct => (await ListVersionsAsync(name, ct)).LastOrDefault()?.Version ?? 0, version,
            (next, ct) => _versions.CreateAsync(VersionKey(name, next.Version), next, ct), cancellationToken);

    public async Task<ModelVersion?> GetVersionAsync(string name, int version, CancellationToken cancellationToken = default) =>
        version < 1 ? null : (await _versions.GetAsync(VersionKey(AliasNames.ValidateModel(name), version), cancellationToken))?.Document;

    /// <summary>The model's versions, oldest first.</summary>
    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string name, CancellationToken cancellationToken = default) =>
        [.. (await _versions.ListAsync($"registry/models/{AliasNames.ValidateModel(name)}/versions/", ".json", cancellationToken)).OrderBy(v => v.Version)];

    /// <summary>Attaches an evaluation to its version; false when one is attached already (redelivery).</summary>
    public async Task<bool> AttachEvaluationAsync(string name, VersionEvaluation evaluation, CancellationToken cancellationToken)
    {
        try { await _evaluations.CreateAsync(EvaluationKey(name, evaluation.Version), evaluation, cancellationToken); return true; }
        catch (ArtifactPreconditionFailedException) { return false; }
    }

    public async Task<VersionEvaluation?> GetEvaluationAsync(string name, int version, CancellationToken cancellationToken = default) =>
        (await _evaluations.GetAsync(EvaluationKey(name, version), cancellationToken))?.Document;

    public Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        _audit.CreateAsync($"registry/models/{entry.Model}/audit/{entry.At.UtcTicks:D19}-{entry.Id}.json", entry, cancellationToken);

    /// <summary>The model's audit log, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(string name, CancellationToken cancellationToken = default) =>
        [.. (await _audit.ListAsync($"registry/models/{AliasNames.ValidateModel(name)}/audit/", ".json", cancellationToken)).OrderBy(e => e.At)];

    private static string ModelKey(string name) => $"registry/models/{name}/model.json";

    private static string VersionKey(string name, int version) => $"registry/models/{name}/versions/{version:D6}.json";

    private static string EvaluationKey(string name, int version) => $"registry/models/{name}/evaluations/{version:D6}.json";
}
