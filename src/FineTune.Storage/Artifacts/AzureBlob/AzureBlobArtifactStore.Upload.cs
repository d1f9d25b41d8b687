using System.Globalization;
using System.Net;
using System.Text;
using FineTune.Storage.Artifacts.Internal;

namespace FineTune.Storage.Artifacts.AzureBlob;

// Put: one 4 MiB buffer at a time. Content that fits one chunk is a single Put Blob; larger content
// is staged as blocks and committed with Put Block List. The conditions travel on the request that
// makes the object visible (Put Blob or Put Block List), so the server checks them atomically.
public sealed partial class AzureBlobArtifactStore
{
    /// <summary>Azure's limit of committed blocks per blob.</summary>
    private const int MaxBlocks = 50_000;

    public async Task<ArtifactInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        options = PutConditions.Validate(options);
        await EnsureContainerAsync(cancellationToken);

        using var reader = new HashingChunkReader(content, _options.BlockSize);
        var first = await reader.ReadChunkAsync(cancellationToken);
        // A chunk exactly BlockSize long does not tell whether more follows, so it takes the block
        // path (one block) rather than reading ahead into a second buffer.
        return reader.Ended
            ? await PutSingleAsync(key, first, reader, options, cancellationToken)
            : await PutBlocksAsync(key, first, reader, options, cancellationToken);
    }

    private async Task<ArtifactInfo> PutSingleAsync(string key, ReadOnlyMemory<byte> content, HashingChunkReader reader, PutOptions options, CancellationToken cancellationToken)
    {
        var sha256 = reader.Sha256Hex();
        var request = NewRequest(HttpMethod.Put, BlobUri(key));
        request.Content = new ReadOnlyMemoryContent(content);
        request.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
        AddObjectHeaders(request, sha256, options);
        using var response = await SendAsync(request, "put", key, cancellationToken);
        return await CommittedAsync(response, "put", key, reader.Length, sha256, options, cancellationToken);
    }

    private async Task<ArtifactInfo> PutBlocksAsync(string key, ReadOnlyMemory<byte> first, HashingChunkReader reader, PutOptions options, CancellationToken cancellationToken)
    {
        // Block ids are per blob, not per upload: a random upload id in each keeps two concurrent
        // uploads to one key from ever committing each other's blocks.
        var uploadId = Guid.NewGuid().ToString("N");
        var blocks = 0;
        for (var chunk = first; chunk.Length > 0; chunk = await reader.ReadChunkAsync(cancellationToken))
        {
            if (blocks == MaxBlocks)
                throw new ArtifactStoreException($"Artifact '{key}' is too large for {Description}: more than {MaxBlocks} blocks of {_options.BlockSize} bytes.");
            var request = NewRequest(HttpMethod.Put, BlobUri(key, $"comp=block&blockid={Uri.EscapeDataString(BlockId(uploadId, blocks))}"));
            request.Content = new ReadOnlyMemoryContent(chunk);
            using var response = await SendAsync(request, "put-block", key, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
                throw await AzureBlobResponses.UnexpectedAsync(response, "put-block", key, Description, cancellationToken);
            blocks++;
        }

        var sha256 = reader.Sha256Hex();
        var commit = NewRequest(HttpMethod.Put, BlobUri(key, "comp=blocklist"));
        commit.Content = new ByteArrayContent(BlockListXml(uploadId, blocks));
        AddObjectHeaders(commit, sha256, options);
        using var committed = await SendAsync(commit, "put-block-list", key, cancellationToken);
        // Committing a blob discards every uncommitted block of that blob, so a writer that committed
        // while we staged took our blocks with it. A conditional write then lost the race, which is
        // exactly a failed precondition; an unconditional one has to be retried by the caller.
        if (committed.StatusCode == HttpStatusCode.BadRequest && AzureBlobResponses.ErrorCode(committed) == "InvalidBlockList")
        {
            throw PutConditions.IsConditional(options)
                ? new ArtifactPreconditionFailedException(key, PutConditions.Describe(options), Description)
                : new ArtifactStoreException(
                    $"Write to artifact '{key}' in {Description} was overtaken: another writer committed the same key while this one uploaded its blocks. Retry the write.");
        }
        return await CommittedAsync(committed, "put-block-list", key, reader.Length, sha256, options, cancellationToken);
    }

    private static void AddObjectHeaders(HttpRequestMessage request, string sha256, PutOptions options)
    {
        request.Headers.TryAddWithoutValidation("x-ms-blob-content-type", options.ContentType);
        request.Headers.TryAddWithoutValidation("x-ms-meta-" + AzureBlobResponses.Sha256MetadataName, sha256);
        if (options.IfMatch is { } ifMatch) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (options.IfNoneMatch is { } ifNoneMatch) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
    }

    /// <summary>The stored object's properties from a successful write, or the error the answer means.</summary>
    private async Task<ArtifactInfo> CommittedAsync(
        HttpResponseMessage response, string operation, string key, long length, string sha256, PutOptions options, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return new ArtifactInfo(
                key, length,
                AzureBlobResponses.QuotedETag(response.Headers.ETag?.ToString() ?? ""),
                sha256, options.ContentType,
                response.Content.Headers.LastModified ?? DateTimeOffset.UtcNow);
        }
        // 412 ConditionNotMet for If-Match; 409 BlobAlreadyExists for If-None-Match: *.
        if (response.StatusCode == HttpStatusCode.PreconditionFailed ||
            (response.StatusCode == HttpStatusCode.Conflict && AzureBlobResponses.ErrorCode(response) == "BlobAlreadyExists"))
            throw new ArtifactPreconditionFailedException(key, PutConditions.Describe(options), Description);
        throw await AzureBlobResponses.UnexpectedAsync(response, operation, key, Description, cancellationToken);
    }

    /// <summary>Base64 of a fixed-length id (all ids of one blob must have the same length).</summary>
    private static string BlockId(string uploadId, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{index.ToString("D6", CultureInfo.InvariantCulture)}"));

    private static byte[] BlockListXml(string uploadId, int blocks)
    {
        // "Uncommitted", not "Latest": only this upload's staged blocks may ever be committed.
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        for (var i = 0; i < blocks; i++) xml.Append("<Uncommitted>").Append(BlockId(uploadId, i)).Append("</Uncommitted>");
        return Encoding.UTF8.GetBytes(xml.Append("</BlockList>").ToString());
    }
}
