using FineTune.Inference.Serving;
using FineTune.ServiceDefaults.Http;

namespace FineTune.Inference.Apis;

/// <summary>
/// What this replica has in memory: base models, and the adapters and versions on them with their
/// bytes, requests holding them and the batch each feeds. An operator can unload a version; it goes
/// once the requests using it are done, and the next request for it loads it again.
/// </summary>
public static class LoadedModelsApi
{
    public static IEndpointRouteBuilder MapLoadedModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/inference/models").WithTags("Loaded models");
        api.MapGet("/", (ModelCatalog catalog) => Results.Ok(new { data = catalog.Loaded(), version_bytes = catalog.VersionBytes }));
        api.MapDelete("/{id}", async (string id, ModelCatalog catalog) => await catalog.UnloadAsync(id)
            ? Results.NoContent()
            : OpenAiError.Result(404, $"No registered version '{id}' is loaded (base models stay loaded).", "id", "model_not_found"));
        return app;
    }
}
