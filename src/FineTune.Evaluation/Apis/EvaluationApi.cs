using FineTune.Models.Artifacts;
using FineTune.Contracts;
using FineTune.Datasets.Versions;
using FineTune.Evaluation.Gate;
using FineTune.Evaluation.Runs;
using FineTune.Models;
using MassTransit;

namespace FineTune.Evaluation.Apis;

/// <summary>
/// Evaluations on request and gate policies per model. A request is checked at once — base model,
/// dataset version, jobs — and then run in the background (202 with the run's address); its record,
/// report (JSON) and readable report (Markdown) are then read back. Errors are problem details naming the field.
/// </summary>
public static class EvaluationApi
{
    public static IEndpointRouteBuilder MapEvaluationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/evaluation").WithTags("Evaluation");
        api.MapPost("/runs", RequestAsync);
        api.MapGet("/runs/{id}", GetAsync);
        api.MapGet("/runs/{id}/report", (string id, EvaluationStore store, CancellationToken ct) => ReportAsync(id, "report.json", "application/json", store, ct));
        api.MapGet("/runs/{id}/report.md", (string id, EvaluationStore store, CancellationToken ct) => ReportAsync(id, "report.md", "text/markdown; charset=utf-8", store, ct));
        api.MapGet("/policies/{model}", async (string model, PolicyStore policies, CancellationToken ct) => Results.Ok(await policies.GetAsync(model, ct)));
        api.MapPut("/policies/{model}", SavePolicyAsync);
        return app;
    }

    public static async Task<IResult> RequestAsync(EvaluationRequest request, CuratedDatasets datasets, TrainedModels models, BaseModelCatalog catalog,
        EvaluationStore store, ISendEndpointProvider send, CancellationToken cancellationToken)
    {
        try
        {
            try { catalog.Folder(request.BaseModel ?? ""); }
            catch (ArgumentException e) { throw new ArgumentException(e.Message, "base_model"); }
            await datasets.FindAsync(request.Dataset, "dataset", cancellationToken);
            if (request.JobId is { } job) await models.FindAsync(job, "job_id", cancellationToken);
            if (request.ProductionJobId is { } production) await models.FindAsync(production, "production_job_id", cancellationToken);
        }
        catch (ArgumentException e) { return Invalid(e); }

        var id = EvaluationStore.NewId();
        await store.GetOrCreateAsync(id, request, cancellationToken);
        var queue = await send.GetSendEndpoint(new Uri("queue:evaluate-model"));
        await queue.Send(new EvaluateModel(id, request.BaseModel!, request.Dataset!, request.JobId, request.ModelName, request.ProductionJobId, DateTimeOffset.UtcNow), cancellationToken);
        return Results.Accepted($"/api/evaluation/runs/{id}", new { id, status = "queued" });
    }

    public static async Task<IResult> GetAsync(string id, EvaluationStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } record ? Results.Ok(record) : NotFound(id);

    public static async Task<IResult> SavePolicyAsync(string model, GatePolicy policy, PolicyStore policies, CancellationToken cancellationToken)
    {
        try { await policies.SaveAsync(model, policy, cancellationToken); }
        catch (ArgumentException e) { return Invalid(e); }
        return Results.Ok(policy);
    }

    private static async Task<IResult> ReportAsync(string id, string file, string contentType, EvaluationStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { ReportKey: not null }) return NotFound(id);
        var read = await store.OpenAsync($"evaluations/{id}/{file}", cancellationToken);
        return Results.Stream(read.Content, contentType);
    }

    private static IResult NotFound(string id) => Results.Problem($"No finished evaluation '{id}'.", statusCode: 404, title: "Unknown evaluation");

    private static IResult Invalid(ArgumentException e) => Results.Problem(
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", ""), statusCode: 400, title: "Invalid request",
        extensions: new Dictionary<string, object?> { ["field"] = e.ParamName });
}
