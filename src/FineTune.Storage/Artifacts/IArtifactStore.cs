namespace FineTune.Storage.Artifacts;

/// <summary>
/// Where FineTune keeps every byte that is too large for the bus: datasets, checkpoints, adapters,
/// reports, and the JSON documents services update with ETag checks. Keys are relative,
/// '/'-separated paths (<c>datasets/support/v3/train.jsonl</c>); see <see cref="ArtifactKey"/>.
/// </summary>
public interface IArtifactStore
{
    /// <summary>A short, secret-free description for logs and errors (<c>azure-blob http://…/artifacts</c>).</summary>
    string Description { get; }

    /// <summary>
    /// Streams <paramref name="content"/> into <paramref name="key"/> and records its SHA-256.
    /// Throws <see cref="ArtifactPreconditionFailedException"/> when <see cref="PutOptions.IfMatch"/> or
    /// <see cref="PutOptions.IfNoneMatch"/> does not hold; nothing is written then.
    /// </summary>
    Task<ArtifactInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens <paramref name="key"/> for reading, whole or a byte range. Throws
    /// <see cref="ArtifactNotFoundException"/> when it does not exist. Dispose the result.
    /// </summary>
    Task<ArtifactReadResult> GetAsync(string key, ByteRange? range = null, CancellationToken cancellationToken = default);

    /// <summary>The object's properties, or null when it does not exist.</summary>
    Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in ordinal key order, paging as needed.</summary>
    IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="key"/>; false when it did not exist. Honours <paramref name="ifMatch"/>.</summary>
    Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="key"/> exists.</summary>
    async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        await GetInfoAsync(key, cancellationToken) is not null;

    /// <summary>Throws when the store cannot be reached (used by readiness checks).</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken = default);
}

/// <summary>Properties of a stored object.</summary>
/// <param name="ETag">Opaque version tag, quoted as in HTTP (<c>"0x8DC…"</c>); changes on every write.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the whole content, computed while it was written.</param>
public sealed record ArtifactInfo(
    string Key,
    long Length,
    string ETag,
    string Sha256,
    string ContentType,
    DateTimeOffset LastModified);

/// <summary>Conditions and properties for a write.</summary>
public sealed record PutOptions
{
    /// <summary>Write only if the current ETag equals this one (optimistic concurrency).</summary>
    public string? IfMatch { get; init; }

    /// <summary><c>"*"</c>: write only if the key does not exist yet.</summary>
    public string? IfNoneMatch { get; init; }

    public string ContentType { get; init; } = "application/octet-stream";

    /// <summary>Create only: fails with <see cref="ArtifactPreconditionFailedException"/> if the key exists.</summary>
    public static PutOptions CreateOnly { get; } = new() { IfNoneMatch = "*" };
}

/// <summary>An inclusive byte range, as in HTTP's <c>Range: bytes=From-To</c>; a null To means to the end.</summary>
public readonly record struct ByteRange(long From, long? To = null)
{
    public override string ToString() => $"bytes={From}-{To}";
}

/// <summary>An open object: its properties and a stream over its content (or the requested range).</summary>
public sealed class ArtifactReadResult(ArtifactInfo info, Stream content) : IAsyncDisposable, IDisposable
{
    public ArtifactInfo Info { get; } = info;

    public Stream Content { get; } = content;

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}
