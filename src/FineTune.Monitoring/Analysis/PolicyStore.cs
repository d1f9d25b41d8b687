using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// Monitoring policies per model name, stored at <c>monitoring/policies/{name}.json</c> and cached
/// here; a model without a stored policy gets <see cref="MonitoringPolicy.Default"/>. Evaluation reads
/// <see cref="Current"/> (the cache, never the store) so a timer tick costs no I/O.
/// </summary>
public sealed partial class PolicyStore(IArtifactStore store)
{
    private readonly JsonDocuments<MonitoringPolicy> _documents = new(store);
    private readonly ConcurrentDictionary<string, MonitoringPolicy> _cache = new(StringComparer.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,127}$")]
    private static partial Regex ModelName();

    public static bool IsValidName(string name) => ModelName().IsMatch(name);

    public static string Key(string model) => $"monitoring/policies/{model}.json";

    public MonitoringPolicy Current(string model) => _cache.GetValueOrDefault(model) ?? MonitoringPolicy.Default(model);

    public async Task<MonitoringPolicy> GetAsync(string model, CancellationToken cancellationToken = default)
    {
        var stored = (await _documents.GetAsync(Key(model), cancellationToken))?.Document;
        var policy = (stored ?? MonitoringPolicy.Default(model)) with { Model = model };
        _cache[model] = policy;
        return policy;
    }

    /// <summary>Loads a model's policy into the cache the first time the model is seen.</summary>
    public async Task WarmAsync(string model, CancellationToken cancellationToken = default)
    {
        if (!_cache.ContainsKey(model)) await GetAsync(model, cancellationToken);
    }

    public async Task<MonitoringPolicy> PutAsync(MonitoringPolicy policy, CancellationToken cancellationToken = default)
    {
        var key = Key(policy.Model);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await store.ExistsAsync(key, cancellationToken)) await _documents.UpdateAsync(key, _ => policy, cancellationToken);
                else await _documents.CreateAsync(key, policy, cancellationToken);
                break;
            }
            catch (Exception e) when (e is ArtifactPreconditionFailedException or KeyNotFoundException && attempt < 5)
            {
                // created or deleted between the check and the write: look again
            }
        }
        _cache[policy.Model] = policy;
        return policy;
    }
}
