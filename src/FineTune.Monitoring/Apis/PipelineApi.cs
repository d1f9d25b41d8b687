using System.Text.Json;
using FineTune.Monitoring.Pipeline;
using FineTune.ServiceDefaults.Http;

namespace FineTune.Monitoring.Apis;

/// <summary>
/// The pipeline view's API (docs/monitoring-api.md): runs, a run's curve, evaluations, models, and the
/// promote and rollback buttons, which the registry service carries out. Errors are OpenAI-shaped.
/// </summary>
public static class PipelineApi
{
    public static IEndpointRouteBuilder MapPipelineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/monitoring").WithTags("Pipeline");
        api.MapGet("/runs", async (PipelineReader reader, CancellationToken ct) => Results.Ok(new DataList<RunView>(await reader.RunsAsync(ct))));
        api.MapGet("/runs/{jobId}/curve", async (string jobId, PipelineReader reader, CancellationToken ct) =>
            await reader.CurveAsync(jobId, ct) is { } curve ? Results.Ok(curve)
                : OpenAiError.Result(StatusCodes.Status404NotFound, $"No training job '{jobId}' has been heard of.", "job_id"));
        api.MapGet("/evaluations", async (PipelineReader reader, CancellationToken ct) => Results.Ok(new DataList<EvaluationView>(await reader.EvaluationsAsync(ct))));
        api.MapGet("/models", async (PipelineReader reader, CancellationToken ct) => Results.Ok(new DataList<ModelView>(await reader.ModelsAsync(ct))));
        api.MapPost("/models/{name}/promote", (string name, HttpRequest request, RegistryForwarder registry, CancellationToken ct) =>
            WithBody<PromoteBody>(request, body => registry.PromoteAsync(name, body, request, ct), ct));
        api.MapPost("/models/{name}/rollback", (string name, HttpRequest request, RegistryForwarder registry, CancellationToken ct) =>
            WithBody<RollbackBody>(request, body => registry.RollbackAsync(name, body, request, ct), ct, orEmpty: new RollbackBody()));
        return app;
    }

    // read here rather than bound by the framework, so a malformed body gets an OpenAI-shaped error too
    private static async Task<IResult> WithBody<T>(HttpRequest request, Func<T, Task<IResult>> action, CancellationToken cancellationToken, T? orEmpty = null)
        where T : class
    {
        T? body;
        try { body = request.ContentLength == 0 ? null : await JsonSerializer.DeserializeAsync<T>(request.Body, ServiceJson.Options, cancellationToken); }
        catch (JsonException e) { return OpenAiError.Result(StatusCodes.Status400BadRequest, $"The body is not the expected JSON object: {e.Message}", e.Path); }
        var chosen = body ?? orEmpty;
        return chosen is null ? OpenAiError.Result(StatusCodes.Status400BadRequest, "A JSON body is required.") : await action(chosen);
    }
}
