using System.Text.Json.Serialization;
using FineTune.Registry.Models;
using FineTune.ServiceDefaults.Http;

namespace FineTune.Registry.Apis;

/// <summary>A model in OpenAI's shape; <c>support-bot</c> is the production alias, <c>support-bot:3</c> a version.</summary>
public sealed record OpenAiModel(string Id, long Created, string OwnedBy)
{
    [JsonPropertyName("object")]
    public string Object => "model";
}

public sealed record OpenAiModelList(IReadOnlyList<OpenAiModel> Data)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}

/// <summary>OpenAI's <c>/v1/models</c>: every model with a production version by its name, and every version as <c>{name}:{version}</c>.</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListAsync).WithTags("Models");
        app.MapGet("/v1/models/{id}", GetAsync).WithTags("Models");
        return app;
    }

    public static async Task<IResult> ListAsync(RegistryStore store, CancellationToken cancellationToken)
    {
        var models = new List<OpenAiModel>();
        foreach (var model in await store.ListModelsAsync(cancellationToken))
        {
            var versions = await store.ListVersionsAsync(model.Name, cancellationToken);
            if (model.Aliases.TryGetValue(AliasNames.Production, out var production) && versions.FirstOrDefault(v => v.Version == production) is { } serving)
                models.Add(new OpenAiModel(model.Name, serving.CreatedAt.ToUnixTimeSeconds(), "finetune"));
            models.AddRange(versions.Select(v => new OpenAiModel(v.Id, v.CreatedAt.ToUnixTimeSeconds(), "finetune")));
        }
        return Results.Ok(new OpenAiModelList(models));
    }

    public static async Task<IResult> GetAsync(string id, RegistryStore store, CancellationToken cancellationToken)
    {
        var parts = id.Split(':');
        try
        {
            ModelVersion? version = null;
            if (parts is [var name, var number] && int.TryParse(number, out var v)) version = await store.GetVersionAsync(name, v, cancellationToken);
            else if (parts is [var alone] && await store.GetModelAsync(alone, cancellationToken) is { } model
                     && model.Model.Aliases.TryGetValue(AliasNames.Production, out var production))
                version = await store.GetVersionAsync(alone, production, cancellationToken);
            return version is null
                ? OpenAiError.Result(404, $"The model '{id}' does not exist (a name serves its production version; name:version a version).", "model", "model_not_found")
                : Results.Ok(new OpenAiModel(id, version.CreatedAt.ToUnixTimeSeconds(), "finetune"));
        }
        catch (ArgumentException e) { return OpenAiError.Result(400, e.Message.Replace(" (Parameter 'model')", ""), "model"); }
    }
}
