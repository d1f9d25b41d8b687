using System.Buffers;
using System.Security.Cryptography;

namespace FineTune.Storage.Artifacts.Internal;

/// <summary>
/// Reads a source stream in fixed-size chunks into ONE pooled buffer and hashes every byte on the
/// way, so a store can stream an object of any size with bounded memory and know its SHA-256 and
/// length once the source ends. Both stores write through this, so "the hash of what was stored"
/// is computed the same way everywhere.
/// </summary>
internal sealed class HashingChunkReader : IDisposable
{
    /// <summary>4 MiB: Azure's sweet spot for blocks, and large enough that per-chunk overhead vanishes.</summary>
    public const int DefaultChunkSize = 4 * 1024 * 1024;

    private readonly Stream _source;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? _buffer;

    public HashingChunkReader(Stream source, int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _source = source;
        ChunkSize = chunkSize;
        _buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
    }

    public int ChunkSize { get; }

    /// <summary>Bytes read so far.</summary>
    public long Length { get; private set; }

    /// <summary>True once a chunk shorter than <see cref="ChunkSize"/> was returned: the source is exhausted.</summary>
    public bool Ended { get; private set; }

    /// <summary>
    /// The next chunk: exactly <see cref="ChunkSize"/> bytes unless the source ended, empty after the
    /// end. The memory is the reader's buffer and is only valid until the next call or Dispose.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (Ended) return ReadOnlyMemory<byte>.Empty;
        var filled = await _source.ReadAtLeastAsync(_buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
        if (filled < ChunkSize) Ended = true;
        _sha256.AppendData(_buffer, 0, filled);
        Length += filled;
        return _buffer.AsMemory(0, filled);
    }

    /// <summary>Lower-case hex SHA-256 of everything read so far (call after the end).</summary>
    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _sha256.Dispose();
    }
}
