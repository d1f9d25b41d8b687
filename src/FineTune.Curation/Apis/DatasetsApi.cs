using FineTune.Curation.Cards;
using FineTune.Curation.Files;
using FineTune.Curation.Pipeline;
using FineTune.Curation.Versions;
using FineTune.Datasets.Versions;

namespace FineTune.Curation.Apis;

/// <summary>What <c>POST /api/datasets/{name}/versions</c> takes: the uploaded files to curate and how.</summary>
public sealed record CurateRequest(IReadOnlyList<string> FileIds, CurationOptions? Options);

/// <summary>What <c>POST /api/datasets/{name}/feedback</c> takes: an uploaded file of feedback records.</summary>
public sealed record FeedbackRequest(string FileId);

/// <summary>A dataset and its newest version.</summary>
public sealed record DatasetSummary(string Name, int Versions, DatasetManifest Latest);

/// <summary>
/// Named datasets with versions: curate a new version from uploaded files, list and read versions,
/// their cards and curation reports, download a split, and collect feedback for the next version.
/// Errors are problem details naming the file, line and field, or the setting.
/// </summary>
public static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/api/datasets").WithTags("Datasets");
        datasets.MapGet("/", ListAsync);
        datasets.MapPost("/{name}/versions", CurateAsync);
        datasets.MapGet("/{name}/versions", VersionsAsync);
        datasets.MapGet("/{name}/versions/{version:int}", VersionAsync);
        datasets.MapGet("/{name}/versions/{version:int}/card", (string name, int version, DatasetVersionStore store, CancellationToken ct) =>
            DocumentAsync<DatasetCard>(name, version, m => m.Card, store, ct));
        datasets.MapGet("/{name}/versions/{version:int}/report", (string name, int version, DatasetVersionStore store, CancellationToken ct) =>
            DocumentAsync<CurationReport>(name, version, m => m.Report, store, ct));
        datasets.MapGet("/{name}/versions/{version:int}/files/{split}", SplitAsync);
        datasets.MapPost("/{name}/feedback", AddFeedbackAsync);
        return app;
    }

    public static async Task<IResult> CurateAsync(string name, CurateRequest request, DatasetCurator curator, CancellationToken cancellationToken)
    {
        try
        {
            var (manifest, isNew) = await curator.CurateAsync(name, request.FileIds ?? [], request.Options ?? new CurationOptions(), cancellationToken: cancellationToken);
            return isNew ? Results.Created($"/api/datasets/{name}/versions/{manifest.Version}", manifest) : Results.Ok(manifest);
        }
        catch (ArgumentException e) { return Invalid(e); }
        catch (UnknownFileException e) { return Results.Problem(e.Message, statusCode: 404, title: "Unknown file", extensions: new Dictionary<string, object?> { ["file_id"] = e.FileId }); }
        catch (IngestionRejectedException e)
        {
            return Results.Problem(e.Message, statusCode: 422, title: "The data was rejected",
                extensions: new Dictionary<string, object?> { ["errors"] = e.Problems.Take(100).ToList(), ["error_count"] = e.Problems.Count });
        }
        catch (NotEnoughRecordsException e) { return Results.Problem(e.Message, statusCode: 422, title: "Too few records left"); }
        catch (LeakageDetectedException e)
        {
            return Results.Problem(e.Message, statusCode: 422, title: "Leakage across splits",
                extensions: new Dictionary<string, object?> { ["leaks"] = e.Report.Leaks.Take(100).ToList(), ["leak_count"] = e.Report.Leaks.Count });
        }
    }

    public static async Task<IResult> ListAsync(DatasetVersionStore store, CancellationToken cancellationToken)
    {
        var summaries = new List<DatasetSummary>();
        foreach (var name in await store.ListDatasetsAsync(cancellationToken))
        {
            var versions = await store.ListAsync(name, cancellationToken);
            summaries.Add(new DatasetSummary(name, versions.Count, versions[^1]));
        }
        return Results.Ok(summaries);
    }

    public static async Task<IResult> VersionsAsync(string name, DatasetVersionStore store, CancellationToken cancellationToken)
    {
        try { return Results.Ok(await store.ListAsync(name, cancellationToken)); }
        catch (ArgumentException e) { return Invalid(e); }
    }

    public static async Task<IResult> VersionAsync(string name, int version, DatasetVersionStore store, CancellationToken cancellationToken)
    {
        try { return await store.GetAsync(name, version, cancellationToken) is { } manifest ? Results.Ok(manifest) : NoVersion(name, version); }
        catch (ArgumentException e) { return Invalid(e); }
    }

    public static async Task<IResult> SplitAsync(string name, int version, string split, DatasetVersionStore store, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.GetAsync(name, version, cancellationToken) is not { } manifest) return NoVersion(name, version);
            if (manifest.Split(split) is not { } file)
                return Results.Problem($"No split '{split}' in {name} v{version}: train, validation, test{(manifest.Folds is null ? "" : " or folds")}.", statusCode: 404, title: "Unknown split");
            var read = await store.OpenAsync(file, cancellationToken);
            return Results.Stream(read.Content, file.Key.EndsWith(".jsonl", StringComparison.Ordinal) ? "application/jsonl" : "application/json", $"{name}-v{version}-{split}{Path.GetExtension(file.Key)}");
        }
        catch (ArgumentException e) { return Invalid(e); }
    }

    public static async Task<IResult> AddFeedbackAsync(string name, FeedbackRequest request, FileStore files, FeedbackLog feedback, CancellationToken cancellationToken)
    {
        try
        {
            DatasetNames.Validate(name);
            if (await files.GetAsync(request.FileId ?? "", cancellationToken) is null)
                return Results.Problem($"No file with id '{request.FileId}'.", statusCode: 404, title: "Unknown file");
            await feedback.AddAsync(name, request.FileId!, cancellationToken);
            return Results.Ok(new { dataset = name, feedback = await feedback.ListAsync(name, cancellationToken) });
        }
        catch (ArgumentException e) { return Invalid(e); }
    }

    private static async Task<IResult> DocumentAsync<T>(string name, int version, Func<DatasetManifest, CuratedFile> pick, DatasetVersionStore store, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(name, version, cancellationToken) is { } manifest
                ? Results.Ok(await store.ReadJsonAsync<T>(pick(manifest), cancellationToken))
                : NoVersion(name, version);
        }
        catch (ArgumentException e) { return Invalid(e); }
    }

    private static IResult NoVersion(string name, int version) =>
        Results.Problem($"Dataset '{name}' has no version {version}.", statusCode: 404, title: "Unknown dataset version");

    private static IResult Invalid(ArgumentException e) =>
        Results.Problem(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", ""), statusCode: 400, title: "Invalid request", extensions: new Dictionary<string, object?> { ["setting"] = e.ParamName });
}
