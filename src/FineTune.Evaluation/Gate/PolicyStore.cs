using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Evaluation.Gate;

/// <summary>Gate policies per model name at <c>evaluation/policies/{name}.json</c>; a model without one is judged by the defaults.</summary>
public sealed class PolicyStore(IArtifactStore store)
{
    private readonly JsonDocuments<GatePolicy> _documents = new(store);

    public async Task<GatePolicy> GetAsync(string? modelName, CancellationToken cancellationToken = default) =>
        modelName is null ? new GatePolicy() : (await _documents.GetAsync(Key(modelName), cancellationToken))?.Document ?? new GatePolicy();

    /// <summary>Stores the policy after checking it (an <see cref="ArgumentException"/> names the setting).</summary>
    public async Task SaveAsync(string modelName, GatePolicy policy, CancellationToken cancellationToken = default)
    {
        policy.Validate();
        await store.PutAsync(Key(modelName), new MemoryStream(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(policy, FineTune.ServiceDefaults.Http.ServiceJson.Options)),
            new PutOptions { ContentType = "application/json" }, cancellationToken);
    }

    private static string Key(string modelName)
    {
        if (modelName.Length is 0 or > 64 || !modelName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"Model name '{modelName}' is not valid: use 1–64 letters, digits, '-', '_' or '.'.", "model");
        return $"evaluation/policies/{modelName}.json";
    }
}
