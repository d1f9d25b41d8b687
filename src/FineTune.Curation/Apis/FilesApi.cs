using FineTune.Curation.Files;
using FineTune.Curation.Ingestion;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FineTune.Curation.Apis;

/// <summary>
/// OpenAI's files API: upload (multipart, <c>purpose=fine-tune</c>), list, get, content, delete.
/// Uploads stream straight into the artifact store — never whole in memory — and a JSONL upload is
/// checked line by line before it becomes visible; errors come in OpenAI's shape.
/// </summary>
public static class FilesApi
{
    // room for the multipart boundaries and headers around the file itself
    private const long MultipartOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/v1/files").WithTags("Files");
        files.MapPost("/", UploadAsync).DisableAntiforgery();
        files.MapGet("/", ListAsync);
        files.MapGet("/{id}", GetAsync);
        files.MapGet("/{id}/content", ContentAsync);
        files.MapDelete("/{id}", DeleteAsync);
        return app;
    }

    public static async Task<IResult> UploadAsync(HttpRequest request, FileStore files, IOptions<CurationSettings> settings, CancellationToken cancellationToken)
    {
        var limit = settings.Value.MaxUploadBytes;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + MultipartOverhead;
        if (request.ContentLength > limit + MultipartOverhead) return TooLarge(limit);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return OpenAiError.Result(400, "Expected a multipart/form-data body with the fields 'file' and 'purpose'.", "file");

        var id = FileStore.NewId();
        string? purpose = null, filename = null;
        ArtifactInfo? content = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (name == "purpose") purpose = await ReadFieldAsync(section.Body, cancellationToken);
                else if (name == "file" && content is null)
                {
                    filename = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "upload.jsonl");
                    content = await files.PutContentAsync(id, new UploadLimitStream(section.Body, limit), cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is UploadTooLargeException || e is BadHttpRequestException { StatusCode: 413 })
        {
            await files.DiscardContentAsync(id);
            return TooLarge(limit);
        }

        if (content is null) return OpenAiError.Result(400, "The field 'file' is missing: attach the file as multipart form data.", "file");
        if (purpose is null || !FileStore.Purposes.Contains(purpose))
        {
            await files.DiscardContentAsync(id);
            return OpenAiError.Result(400, $"The field 'purpose' must be one of: {string.Join(", ", FileStore.Purposes)}; got '{purpose}'.", "purpose");
        }
        if (content.Length == 0)
        {
            await files.DiscardContentAsync(id);
            return OpenAiError.Result(400, $"The file '{filename}' is empty.", "file", "invalid_file");
        }

        string? details = null;
        if (!filename!.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            // a JSONL file is checked now, so a broken upload is refused while the user is still there
            await using var stored = await files.OpenContentAsync(id, cancellationToken);
            var checkedFile = await Task.Run(() => Ingestor.Read(stored.Content, filename, new IngestionPolicy { MaxErrorRate = settings.Value.MaxErrorRate }), cancellationToken);
            if (!checkedFile.Accepted)
            {
                await files.DiscardContentAsync(id);
                return OpenAiError.Result(400, Refusal(filename, checkedFile, settings.Value.MaxErrorRate), "file", "invalid_file");
            }
            if (checkedFile.Errors.Count > 0)
                details = $"{checkedFile.Errors.Count} bad line(s) will be left out and listed in the curation report; first: {checkedFile.Errors[0].Message}";
        }
        return Results.Ok(await files.PublishAsync(id, filename, purpose, content, details, cancellationToken));
    }

    public static async Task<IResult> ListAsync(FileStore files, string? purpose, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 10_000) return OpenAiError.Result(400, $"'limit' must be between 1 and 10000, got {limit}.", "limit");
        var all = await files.ListAsync(purpose, cancellationToken);
        var page = all.Take(limit ?? 10_000).ToList();
        return Results.Ok(new ListOf<StoredFile>(page, all.Count > page.Count));
    }

    public static async Task<IResult> GetAsync(string id, FileStore files, CancellationToken cancellationToken) =>
        await files.GetAsync(id, cancellationToken) is { } file ? Results.Ok(file) : NotFound(id);

    public static async Task<IResult> ContentAsync(string id, FileStore files, CancellationToken cancellationToken)
    {
        if (await files.GetAsync(id, cancellationToken) is not { } file) return NotFound(id);
        var content = await files.OpenContentAsync(id, cancellationToken);
        return Results.Stream(content.Content, "application/octet-stream", file.Filename);
    }

    public static async Task<IResult> DeleteAsync(string id, FileStore files, CancellationToken cancellationToken) =>
        await files.DeleteAsync(id, cancellationToken) ? Results.Ok(new DeletedFile(id, true)) : NotFound(id);

    private static IResult NotFound(string id) => OpenAiError.Result(404, $"No file with id '{id}'.", "id");

    private static IResult TooLarge(long limit) =>
        OpenAiError.Result(413, $"The file is larger than the upload limit of {limit:N0} bytes (setting 'Curation:MaxUploadBytes').", "file", "file_too_large");

    private static string Refusal(string filename, IngestionResult result, double maxErrorRate)
    {
        if (result.Lines == 0) return $"The file '{filename}' holds no records.";
        var first = string.Join(" ", result.Errors.Take(5).Select(e => e.Message));
        return $"{result.Errors.Count} of {result.Lines} lines are bad ({result.ErrorRate:P1}), more than allowed ({maxErrorRate:P1}, setting 'Curation:MaxErrorRate'). {first}";
    }

    // a form field is a short value; a longer one is cut off rather than read into memory whole
    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new char[256];
        using var reader = new StreamReader(body);
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return new string(buffer, 0, read).Trim();
    }
}
