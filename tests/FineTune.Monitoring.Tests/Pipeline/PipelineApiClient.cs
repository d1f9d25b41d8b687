using System.Net;
using System.Text.Json;

namespace FineTune.Monitoring.Tests.Pipeline;

/// <summary>Reads the pipeline API of a monitoring app, as raw JSON text (to compare two instances) or parsed.</summary>
internal static class PipelineApiClient
{
    public static readonly string[] Views = ["/api/monitoring/runs", "/api/monitoring/runs/ftjob-1/curve", "/api/monitoring/evaluations", "/api/monitoring/models"];

    public static async Task<string> TextAsync(this MonitoringApp app, string path)
    {
        using var response = await app.Client().GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    public static async Task<JsonElement> JsonAsync(this MonitoringApp app, string path) => JsonDocument.Parse(await app.TextAsync(path)).RootElement;

    /// <summary>Every pipeline view, for comparing two instances' state.</summary>
    public static async Task<IReadOnlyList<string>> AllViewsAsync(this MonitoringApp app) =>
        await Task.WhenAll(Views.Select(app.TextAsync));

    public static JsonElement Run(this JsonElement runs, string jobId) =>
        runs.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("job_id").GetString() == jobId);

    public static async Task PublishAllAsync(this MonitoringApp app, IEnumerable<object> events)
    {
        foreach (var message in events) await app.PublishAsync(message);
    }
}
