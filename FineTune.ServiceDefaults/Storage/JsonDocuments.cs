using System.Text.Json;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;

namespace FineTune.ServiceDefaults.Storage;

/// <summary>
/// JSON documents in the artifact store that several processes update: created once, read with
/// their ETag, changed only through <see cref="UpdateAsync"/> — read, change, write with If-Match,
/// and on a lost race read again and re-apply — so concurrent writers never overwrite each other.
/// </summary>
public sealed class JsonDocuments<T>(IArtifactStore store) where T : class
{
    private const int MaxRaces = 50;

    /// <summary>Writes a new document; throws <see cref="ArtifactPreconditionFailedException"/> if the key exists.</summary>
    public Task CreateAsync(string key, T document, CancellationToken cancellationToken = default) =>
        store.PutAsync(key, Serialize(document), new PutOptions { IfNoneMatch = "*", ContentType = "application/json" }, cancellationToken);

    public async Task<(T Document, string ETag)?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var read = await store.GetAsync(key, cancellationToken: cancellationToken);
            var document = await JsonSerializer.DeserializeAsync<T>(read.Content, ServiceJson.Options, cancellationToken)
                ?? throw new InvalidDataException($"The document '{key}' is empty.");
            return (document, read.Info.ETag);
        }
        catch (ArtifactNotFoundException) { return null; }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current document and writes it only if nobody wrote in
    /// between; returns the stored document. A change that returns null writes nothing.
    /// </summary>
    public async Task<T> UpdateAsync(string key, Func<T, T?> change, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (document, etag) = await GetAsync(key, cancellationToken) ?? throw new KeyNotFoundException($"No document '{key}'.");
            if (change(document) is not { } changed) return document;
            try
            {
                await store.PutAsync(key, Serialize(changed), new PutOptions { IfMatch = etag, ContentType = "application/json" }, cancellationToken);
                return changed;
            }
            catch (ArtifactPreconditionFailedException) when (attempt < MaxRaces)
            {
                // someone else wrote first: apply the change to what they wrote
            }
        }
    }

    /// <summary>Every document whose key starts with <paramref name="prefix"/> and ends with <paramref name="suffix"/>.</summary>
    public async Task<IReadOnlyList<T>> ListAsync(string prefix, string suffix, CancellationToken cancellationToken = default)
    {
        var documents = new List<T>();
        await foreach (var info in store.ListAsync(prefix, cancellationToken))
            if (info.Key.EndsWith(suffix, StringComparison.Ordinal) && await GetAsync(info.Key, cancellationToken) is { } found)
                documents.Add(found.Document);
        return documents;
    }

    private static MemoryStream Serialize(T document) => new(JsonSerializer.SerializeToUtf8Bytes(document, ServiceJson.Options));
}
