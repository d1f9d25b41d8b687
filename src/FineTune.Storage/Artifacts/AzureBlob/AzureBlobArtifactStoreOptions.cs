using FineTune.Storage.Artifacts.Internal;

namespace FineTune.Storage.Artifacts.AzureBlob;

/// <summary>Tuning for <see cref="AzureBlobArtifactStore"/>; the defaults suit production.</summary>
public sealed record AzureBlobArtifactStoreOptions
{
    /// <summary>Blobs per List Blobs page (Azure's maximum, and default, is 5,000). Tests lower it to exercise continuation.</summary>
    public int ListPageSize { get; init; } = 5000;

    /// <summary>
    /// Bytes per upload chunk, and so the memory one upload holds. Content that fits in one chunk
    /// goes up as a single Put Blob; anything larger as blocks plus Put Block List.
    /// </summary>
    public int BlockSize { get; init; } = HashingChunkReader.DefaultChunkSize;

    internal void Validate()
    {
        if (ListPageSize is < 1 or > 5000)
            throw new ArgumentOutOfRangeException(nameof(ListPageSize), ListPageSize, "List page size must be 1 to 5,000 (Azure's limit).");
        // Azure's block size limit is 4,000 MiB; beyond 100 MiB the memory cost is never worth it.
        if (BlockSize is < 1024 or > 100 * 1024 * 1024)
            throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize, "Block size must be 1 KiB to 100 MiB.");
    }
}
