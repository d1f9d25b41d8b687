using System.Text.Json;
using FineTune.Contracts;
using FineTune.Monitoring.Analysis;
using FineTune.ServiceDefaults.Http;

namespace FineTune.Monitoring.Apis;

public static class AnalysisApi
{
    /// <summary>Served series, live traffic, drift, alerts and policies, as docs/monitoring-api.md's Analysis section fixes them.</summary>
    public static IEndpointRouteBuilder MapAnalysisApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/monitoring");
        api.MapGet("/served", (AnalysisService analysis) => Results.Ok(new { data = analysis.Served() }));
        api.MapGet("/live", (AnalysisService analysis, string? model, int? minutes) =>
        {
            if (ModelIds.Parse(model) is not { } version) return BadModel(model);
            if (minutes is { } m && m is < 1 or > TrafficStore.RetainedMinutes)
                return OpenAiError.Result(StatusCodes.Status400BadRequest, $"minutes={m} is outside 1..{TrafficStore.RetainedMinutes} (the last hour is kept).", "minutes");
            return Results.Ok(analysis.Live(version, minutes ?? TrafficStore.RetainedMinutes));
        });
        api.MapGet("/drift", (AnalysisService analysis, string? model) =>
            ModelIds.Parse(model) is { } version ? Results.Ok(analysis.Drift(version)) : BadModel(model));
        api.MapGet("/alerts", (AnalysisService analysis) => Results.Ok(new { data = analysis.Alerts().Select(AlertView) }));
        api.MapGet("/policies/{model}", async (PolicyStore policies, string model, CancellationToken ct) =>
            PolicyStore.IsValidName(model) ? Results.Ok(await policies.GetAsync(model, ct)) : BadName(model));
        api.MapPut("/policies/{model}", async (PolicyStore policies, string model, HttpRequest request, CancellationToken ct) =>
        {
            if (!PolicyStore.IsValidName(model)) return BadName(model);
            MonitoringPolicy? policy;
            try { policy = await JsonSerializer.DeserializeAsync<MonitoringPolicy>(request.Body, ServiceJson.Options, ct); }
            catch (JsonException e)
            {
                return OpenAiError.Result(StatusCodes.Status400BadRequest, $"The policy is not valid JSON for a monitoring policy at {e.Path ?? "$"}: {e.Message}", e.Path);
            }
            if (policy is null) return OpenAiError.Result(StatusCodes.Status400BadRequest, "The body must be a policy object.");
            policy = policy with { Model = model };
            if (policy.Validate() is { } problem) return OpenAiError.Result(StatusCodes.Status400BadRequest, $"{problem.Field}: {problem.Problem}", problem.Field);
            return Results.Ok(await policies.PutAsync(policy, ct));
        });
        return app;
    }

    private static object AlertView(Alert alert) => new
    {
        alert_id = alert.AlertId,
        model = new { name = alert.Model.Name, version = alert.Model.Version },
        adapter = alert.Adapter,
        kind = alert.Kind,
        objective = alert.Objective,
        value = alert.Value,
        threshold = alert.Threshold,
        window = alert.Window,
        severity = alert.Severity,
        raised_at = alert.RaisedAt,
        resolved_at = alert.ResolvedAt,
    };

    private static IResult BadModel(string? model) => OpenAiError.Result(StatusCodes.Status400BadRequest,
        $"model='{model}' is not a model version; pass 'name:version', e.g. 'support-bot:3' (0 for the base model).", "model");

    private static IResult BadName(string model) => OpenAiError.Result(StatusCodes.Status400BadRequest,
        $"'{model}' is not a model name: use lower-case letters, digits, '.', '_' and '-' (up to 128).", "model");
}
