using System.Collections.Concurrent;
using FineTune.Models;
using FineTune.Models.Artifacts;
using FineTune.Models.FineTuning.Data;
using Microsoft.Extensions.Options;

namespace FineTune.Inference.Serving;

/// <summary>A model id that names nothing this service can serve.</summary>
public sealed class UnknownModelException(string id)
    : Exception($"The model '{id}' does not exist: use a base model, a registered model's name (its production version) or name:version.")
{
    public string Id { get; } = id;
}

/// <summary>
/// Resolves the model ids requests name — a base model (<c>finetune-base</c>), a registered model's
/// name (its <c>production</c> version) or <c>name:version</c> — to loaded models, keeping each loaded
/// version. A name follows its production alias: <see cref="Invalidate"/> (on promotion or rollback)
/// makes the next request resolve it again, while requests in flight finish on the version they started with.
/// </summary>
public sealed class ModelCatalog(BaseModelCatalog bases, ProductionModels registry, TrainedModels trained, IOptions<InferenceSettings> settings)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ServedModel>>> _loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public async Task<ServedModel> ResolveAsync(string id, CancellationToken cancellationToken)
    {
        var key = await ResolveKeyAsync(id, cancellationToken) ?? throw new UnknownModelException(id);
        var loading = _loaded.GetOrAdd(key, k => new Lazy<Task<ServedModel>>(() => LoadAsync(k, CancellationToken.None)));
        try { return await loading.Value.WaitAsync(cancellationToken); }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _loaded.TryRemove(key, out _); // a failed load is tried again by the next request
            throw;
        }
    }

    /// <summary>The name's production version moved: resolve it again on the next request.</summary>
    public void Invalidate(string name) => _names.TryRemove(name, out _);

    private async Task<string?> ResolveKeyAsync(string id, CancellationToken cancellationToken)
    {
        if (bases.Names.Contains(id)) return id;
        var parts = id.Split(':');
        if (parts is [var name, var number] && int.TryParse(number, out var version))
            return await registry.JobOfVersionAsync(name, version, cancellationToken) is null ? null : id;
        if (parts is not [var alone] || alone.Length == 0) return null;
        if (_names.TryGetValue(alone, out var known)) return known;
        if (await registry.VersionOfAliasAsync(alone, "production", cancellationToken) is not { } production) return null;
        return _names[alone] = $"{alone}:{production}";
    }

    private async Task<ServedModel> LoadAsync(string key, CancellationToken cancellationToken)
    {
        if (bases.Names.Contains(key)) return new ServedModel(key, trained.LoadBase(key), ModelText.Load(bases.Folder(key)), settings.Value.Batching, settings.Value.Weights);
        var (name, version) = (key.Split(':')[0], int.Parse(key.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var jobId = await registry.JobOfVersionAsync(name, version, cancellationToken) ?? throw new UnknownModelException(key);
        var job = await trained.FindAsync(jobId, "model", cancellationToken);
        var baseModel = trained.LoadBase(job.Model);
        var model = await trained.LoadAsync(job, baseModel, Path.Combine(settings.Value.WorkFolder, key.Replace(':', '-')), cancellationToken);
        return new ServedModel(key, model, ModelText.Load(bases.Folder(job.Model)), settings.Value.Batching, settings.Value.Weights);
    }
}
