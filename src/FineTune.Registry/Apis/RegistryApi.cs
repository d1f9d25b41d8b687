using FineTune.Registry.Models;

namespace FineTune.Registry.Apis;

/// <summary>What a promotion takes: the version, who and why, whether it is forced past a failed gate, and the version the alias must still point at.</summary>
public sealed record PromoteRequest(int Version, string? By = null, string? Reason = null, bool Force = false, int? ExpectedVersion = null);

public sealed record RollbackRequest(string? By = null, string? Reason = null);

/// <summary>The model's promotion policy: the alias a version whose gate passed goes to at once (null: manual only).</summary>
public sealed record PolicyRequest(string? AutoPromoteTo);

/// <summary>A model as the registry API shows it: its aliases and versions.</summary>
public sealed record ModelView(RegisteredModel Model, IReadOnlyList<ModelVersion> Versions);

public sealed record VersionView(ModelVersion Version, VersionEvaluation? Evaluation);

/// <summary>
/// The registry API: models, versions with their evaluations, model cards, lineage, the audit log, the
/// promotion policy, and the two transitions — promote (compare-and-swap on the alias: 409 when it moved)
/// and roll back (one call). Errors are problem details naming the field.
/// </summary>
public static class RegistryApi
{
    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/registry/models").WithTags("Registry");
        api.MapGet("/", async (RegistryStore store, CancellationToken ct) => Results.Ok(await store.ListModelsAsync(ct)));
        api.MapGet("/{name}", ModelAsync);
        api.MapGet("/{name}/versions/{version:int}", VersionAsync);
        api.MapGet("/{name}/versions/{version:int}/card", CardAsync);
        api.MapGet("/{name}/versions/{version:int}/lineage", LineageAsync);
        api.MapGet("/{name}/audit", (string name, RegistryStore store, CancellationToken ct) => Guard(async () => Results.Ok(await store.AuditAsync(name, ct))));
        api.MapPut("/{name}/policy", PolicyAsync);
        api.MapPost("/{name}/aliases/{alias}/promote", PromoteAsync);
        api.MapPost("/{name}/aliases/{alias}/rollback", RollbackAsync);
        return app;
    }

    public static Task<IResult> ModelAsync(string name, RegistryStore store, CancellationToken cancellationToken) => Guard(async () =>
        await store.GetModelAsync(name, cancellationToken) is { } found
            ? Results.Ok(new ModelView(found.Model, await store.ListVersionsAsync(name, cancellationToken)))
            : throw new UnknownModelException($"No model '{name}'."));

    public static Task<IResult> VersionAsync(string name, int version, RegistryStore store, CancellationToken cancellationToken) => Guard(async () =>
        Results.Ok(new VersionView(await Require(store, name, version, cancellationToken), await store.GetEvaluationAsync(name, version, cancellationToken))));

    public static Task<IResult> CardAsync(string name, int version, RegistryStore store, LineageReader lineage, CancellationToken cancellationToken) => Guard(async () =>
        Results.Text(ModelCard.Render(await lineage.ReadAsync(await Require(store, name, version, cancellationToken), cancellationToken)), "text/markdown; charset=utf-8"));

    public static Task<IResult> LineageAsync(string name, int version, RegistryStore store, LineageReader lineage, CancellationToken cancellationToken) => Guard(async () =>
        Results.Ok(await lineage.ReadAsync(await Require(store, name, version, cancellationToken), cancellationToken)));

    public static Task<IResult> PolicyAsync(string name, PolicyRequest request, RegistryStore store, CancellationToken cancellationToken) => Guard(async () =>
    {
        if (request.AutoPromoteTo is { } alias) AliasNames.Validate(alias);
        if (await store.GetModelAsync(name, cancellationToken) is null) throw new UnknownModelException($"No model '{name}'.");
        return Results.Ok(await store.UpdateModelAsync(name, m => m with { AutoPromoteTo = request.AutoPromoteTo }, cancellationToken));
    });

    public static Task<IResult> PromoteAsync(string name, string alias, PromoteRequest request, HttpRequest http, ModelRegistry registry, CancellationToken cancellationToken) =>
        Guard(async () => Results.Ok(await registry.PromoteAsync(name, request.Version, alias, Actor(http, request.By), request.Reason ?? "", request.Force,
            request.ExpectedVersion, cancellationToken)));

    public static Task<IResult> RollbackAsync(string name, string alias, RollbackRequest request, HttpRequest http, ModelRegistry registry, CancellationToken cancellationToken) =>
        Guard(async () => Results.Ok(await registry.RollbackAsync(name, alias, Actor(http, request.By), request.Reason ?? "rollback", cancellationToken)));

    private static async Task<ModelVersion> Require(RegistryStore store, string name, int version, CancellationToken cancellationToken) =>
        await store.GetVersionAsync(name, version, cancellationToken) ?? throw new UnknownModelException($"Model '{name}' has no version {version}.");

    // the gateway puts the key's owner here; a direct caller may say who they are
    private static string Actor(HttpRequest http, string? by) =>
        http.Headers["X-FineTune-User"].FirstOrDefault() ?? by ?? "api";

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try { return await action(); }
        catch (ArgumentException e) { return Problem(400, "Invalid request", e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", ""), e.ParamName); }
        catch (UnknownModelException e) { return Problem(404, "Not found", e.Message, null); }
        catch (AliasConflictException e) { return Problem(409, "Alias changed", e.Message, "expected_version"); }
        catch (RegistryRuleException e) { return Problem(422, "Not allowed", e.Message, e.Code); }
    }

    private static IResult Problem(int status, string title, string detail, string? field) =>
        Results.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["field"] = field });
}
