using System.Text.Json;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;

namespace FineTune.Curation.Files;

/// <summary>
/// Uploaded files in the artifact store: <c>files/{id}/content</c> holds the bytes and
/// <c>files/{id}/file.json</c> the description. The description is written last and removed first,
/// so a file is listed only while its content is whole.
/// </summary>
public sealed class FileStore(IArtifactStore store, TimeProvider clock)
{
    // OpenAI's clients refuse a purpose they do not know, so feedback files are "fine-tune" files too
    public static readonly IReadOnlyList<string> Purposes = ["fine-tune"];

    public static string NewId() => "file-" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>Streams the upload into the store; the file is not visible until <see cref="PublishAsync"/>.</summary>
    public async Task<ArtifactInfo> PutContentAsync(string id, Stream content, CancellationToken cancellationToken) =>
        await store.PutAsync(ContentKey(id), content, new PutOptions { IfNoneMatch = "*", ContentType = "application/octet-stream" }, cancellationToken);

    public async Task<StoredFile> PublishAsync(string id, string filename, string purpose, ArtifactInfo content, string? statusDetails, CancellationToken cancellationToken)
    {
        var file = new StoredFile(id, content.Length, clock.GetUtcNow().ToUnixTimeSeconds(), filename, purpose, content.Sha256, StatusDetails: statusDetails);
        await store.PutAsync(DescriptionKey(id), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(file, ServiceJson.Options)),
            new PutOptions { IfNoneMatch = "*", ContentType = "application/json" }, cancellationToken);
        return file;
    }

    public async Task<StoredFile?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsId(id)) return null;
        try
        {
            await using var read = await store.GetAsync(DescriptionKey(id), cancellationToken: cancellationToken);
            return await JsonSerializer.DeserializeAsync<StoredFile>(read.Content, ServiceJson.Options, cancellationToken);
        }
        catch (ArtifactNotFoundException) { return null; }
    }

    /// <summary>Every visible file, newest first, optionally of one purpose.</summary>
    public async Task<IReadOnlyList<StoredFile>> ListAsync(string? purpose, CancellationToken cancellationToken = default)
    {
        var files = new List<StoredFile>();
        await foreach (var info in store.ListAsync("files/", cancellationToken))
        {
            if (!info.Key.EndsWith("/file.json", StringComparison.Ordinal)) continue;
            if (await GetAsync(info.Key.Split('/')[1], cancellationToken) is { } file && (purpose is null || file.Purpose == purpose)) files.Add(file);
        }
        return [.. files.OrderByDescending(f => f.CreatedAt).ThenBy(f => f.Id, StringComparer.Ordinal)];
    }

    public async Task<ArtifactReadResult> OpenContentAsync(string id, CancellationToken cancellationToken = default) =>
        await store.GetAsync(ContentKey(id), cancellationToken: cancellationToken);

    /// <summary>Removes the file; false when there was none. The description goes first, so it is never listed half-deleted.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsId(id)) return false;
        var existed = await store.DeleteAsync(DescriptionKey(id), cancellationToken: cancellationToken);
        await store.DeleteAsync(ContentKey(id), cancellationToken: cancellationToken);
        return existed;
    }

    /// <summary>Drops content whose upload was refused or cut off.</summary>
    public Task DiscardContentAsync(string id) => store.DeleteAsync(ContentKey(id));

    private static bool IsId(string id) => id.StartsWith("file-", StringComparison.Ordinal) && id.Length <= 64 && id[5..].All(char.IsAsciiLetterOrDigit);

    private static string ContentKey(string id) => $"files/{id}/content";

    private static string DescriptionKey(string id) => $"files/{id}/file.json";
}
