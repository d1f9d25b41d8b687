using System.Collections.Concurrent;
using System.Globalization;
using FineTune.Models;
using FineTune.Models.Adapters;
using FineTune.Models.Artifacts;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;
using FineTune.Models.Serving;
using Microsoft.Extensions.Options;

namespace FineTune.Inference.Serving;

/// <summary>A model id that names nothing this service can serve.</summary>
public sealed class UnknownModelException(string id)
    : Exception($"The model '{id}' does not exist: use a base model, a registered model's name (its production version) or name:version.")
{
    public string Id { get; } = id;
}

/// <summary>A model the catalog has in memory, for the loaded-models listing.</summary>
public sealed record LoadedModelInfo(string Id, string Kind, string Base, long Bytes, int Requests, int Running, int Waiting);

/// <summary>
/// Resolves the model ids requests name — a base model (<c>finetune-base</c>), a registered model's
/// name (its <c>production</c> version) or <c>name:version</c> — to a <see cref="ModelLease"/>.
/// Base models are loaded once and kept. A version trained as an adapter (LoRA, QLoRA, DoRA) is loaded
/// as a <see cref="ServingAdapter"/> on its base's batcher, so requests for many adapters share one
/// base and one batch; a fully fine-tuned version gets a model and batcher of its own. Versions live in
/// an LRU cache with a memory budget (<see cref="InferenceSettings.LoadedVersionsMegabytes"/>): idle ones
/// go first, leased ones never. A name follows its production alias: <see cref="Invalidate"/> (on
/// promotion or rollback) makes the next request resolve it again.
/// </summary>
public sealed class ModelCatalog : IAsyncDisposable
{
    private readonly BaseModelCatalog _bases;
    private readonly ProductionModels _registry;
    private readonly TrainedModels _trained;
    private readonly InferenceSettings _settings;
    private readonly ConcurrentDictionary<string, Lazy<Task<ServedModel>>> _baseModels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly LeasedCache<LoadedVersion> _versions;

    public ModelCatalog(BaseModelCatalog bases, ProductionModels registry, TrainedModels trained, IOptions<InferenceSettings> settings, InferenceMetrics metrics)
    {
        (_bases, _registry, _trained, _settings) = (bases, registry, trained, settings.Value);
        _versions = new LeasedCache<LoadedVersion>(_settings.LoadedVersionsMegabytes * 1024L * 1024, metrics.VersionEvicted);
    }

    /// <summary>The model behind <paramref name="id"/>, held until the lease is disposed.</summary>
    /// <exception cref="UnknownModelException">Nothing by that id.</exception>
    public async Task<ModelLease> ResolveAsync(string id, CancellationToken cancellationToken)
    {
        var key = await ResolveKeyAsync(id, cancellationToken) ?? throw new UnknownModelException(id);
        if (_bases.Names.Contains(key)) return new ModelLease(key, await BaseAsync(key, cancellationToken), null, null);
        var lease = await _versions.AcquireAsync(key, load => LoadVersionAsync(key, load), cancellationToken);
        return new ModelLease(key, lease.Value.Host, lease.Value.Adapter, lease);
    }

    /// <summary>The name's production version moved: resolve it again on the next request.</summary>
    public void Invalidate(string name) => _names.TryRemove(name, out _);

    /// <summary>Drops a loaded version (now, or when its last request ends); false if it is not loaded. Base models stay.</summary>
    public Task<bool> UnloadAsync(string id) => _versions.RemoveAsync(id);

    /// <summary>Bytes of the versions loaded now, against <see cref="InferenceSettings.LoadedVersionsMegabytes"/>.</summary>
    public long VersionBytes => _versions.Bytes;

    /// <summary>Base models, then versions most recently used first.</summary>
    public IReadOnlyList<LoadedModelInfo> Loaded()
    {
        var bases = _baseModels.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result)
            .Select(m => Info(m.Id, "base", m.Id, m.Bytes, 0, m));
        var versions = _versions.Entries.Select(e => Info(e.Key, e.Value.Kind, e.Value.BaseName, e.Bytes, e.Leases, e.Value.Host));
        return [.. bases.OrderBy(b => b.Id, StringComparer.Ordinal), .. versions];
    }

    private static LoadedModelInfo Info(string id, string kind, string baseId, long bytes, int requests, ServedModel host) =>
        new(id, kind, baseId, bytes, requests, host.Scheduler.Running.Count, host.Scheduler.Waiting.Count);

    private Task<ServedModel> BaseAsync(string name, CancellationToken cancellationToken)
    {
        var loading = _baseModels.GetOrAdd(name, n => new Lazy<Task<ServedModel>>(() => Task.Run(() =>
            new ServedModel(n, _trained.LoadBase(n), ModelText.Load(_bases.Folder(n)), _settings.Batching, _settings.Weights))));
        var task = loading.Value;
        if (task.IsFaulted) _baseModels.TryRemove(new KeyValuePair<string, Lazy<Task<ServedModel>>>(name, loading)); // tried again next time
        return task.WaitAsync(cancellationToken);
    }

    private async Task<string?> ResolveKeyAsync(string id, CancellationToken cancellationToken)
    {
        if (_bases.Names.Contains(id)) return id;
        var parts = id.Split(':');
        if (parts is [var name, var number] && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return await _registry.JobOfVersionAsync(name, version, cancellationToken) is null ? null : $"{name}:{version}";
        if (parts is not [var alone] || alone.Length == 0) return null;
        if (_names.TryGetValue(alone, out var known)) return known;
        if (await _registry.VersionOfAliasAsync(alone, "production", cancellationToken) is not { } production) return null;
        return _names[alone] = $"{alone}:{production}";
    }

    private async Task<(LoadedVersion, long)> LoadVersionAsync(string key, CancellationToken cancellationToken)
    {
        var (name, version) = (key.Split(':')[0], int.Parse(key.Split(':')[1], CultureInfo.InvariantCulture));
        var jobId = await _registry.JobOfVersionAsync(name, version, cancellationToken) ?? throw new UnknownModelException(key);
        var job = await _trained.FindAsync(jobId, "model", cancellationToken);
        var host = await BaseAsync(job.Model, cancellationToken);
        var folder = await _trained.DownloadAsync(job, Path.Combine(_settings.WorkFolder, key.Replace(':', '-')), cancellationToken);
        LoadedVersion loaded;
        if (job.Result!.IsAdapter)
        {
            var adapter = TrainedModels.LoadAdapter(job, folder, host.Model);
            loaded = new LoadedVersion(host, new ServingAdapter(key, host.Model, new AdapterParameters(adapter, host.Model.Config)), OwnsHost: false, job.Model);
        }
        else loaded = new LoadedVersion(new ServedModel(key, LlamaCheckpoints.Load(folder), host.Text, _settings.Batching, _settings.Weights), null, OwnsHost: true, job.Model);
        return (loaded, loaded.Bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _versions.ClearAsync();
        foreach (var loading in _baseModels.Values)
            if (loading.IsValueCreated && loading.Value.IsCompletedSuccessfully) await loading.Value.Result.DisposeAsync();
    }
}
