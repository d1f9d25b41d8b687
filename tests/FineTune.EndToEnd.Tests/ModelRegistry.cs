using System.Text.Json;

namespace FineTune.EndToEnd.Tests;

/// <summary>Reads of the registry through the gateway.</summary>
public static class ModelRegistry
{
    /// <summary>Waits until the model's version trained by <paramref name="jobId"/> is registered and has its evaluation attached; returns the version's view.</summary>
    public static Task<JsonElement> EvaluatedVersionAsync(Suite suite, string model, string jobId, TimeSpan timeout) =>
        Eventually.ValueAsync<JsonElement>(async () =>
        {
            var found = await suite.TryGetJsonAsync($"/api/registry/models/{model}");
            var version = found!.Value.GetProperty("versions").EnumerateArray().FirstOrDefault(v => v.GetProperty("job_id").GetString() == jobId);
            if (version.ValueKind != JsonValueKind.Object) throw new NotYetException($"{model} has no version from {jobId} yet");
            var view = await suite.GetJsonAsync($"/api/registry/models/{model}/versions/{version.GetProperty("version").GetInt32()}");
            return view.TryGetProperty("evaluation", out var evaluation) && evaluation.ValueKind == JsonValueKind.Object ? view : throw new NotYetException($"{model} v{version.GetProperty("version")} has no evaluation yet");
        }, $"the registry to show {model}'s version from {jobId} with its evaluation", timeout, suite, "registry", "evaluation");

    /// <summary>Waits until the model's <c>production</c> alias points at <paramref name="version"/>.</summary>
    public static Task<JsonElement> InProductionAsync(Suite suite, string model, int version, TimeSpan timeout) =>
        Eventually.ValueAsync<JsonElement>(async () =>
        {
            var found = (await suite.TryGetJsonAsync($"/api/registry/models/{model}"))!.Value;
            return found.GetProperty("model").GetProperty("aliases").TryGetProperty("production", out var alias) && alias.GetInt32() == version
                ? found
                : throw new NotYetException($"aliases {found.GetProperty("model").GetProperty("aliases")}");
        }, $"{model}'s production alias to point at version {version}", timeout, suite, "registry");
}
