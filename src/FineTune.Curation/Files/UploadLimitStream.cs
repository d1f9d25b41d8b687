namespace FineTune.Curation.Files;

/// <summary>An upload passed the size limit; whatever was written of it is discarded.</summary>
public sealed class UploadTooLargeException(long limit)
    : Exception($"The upload is larger than the limit of {limit:N0} bytes (setting 'Curation:MaxUploadBytes').")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Reads through to an upload's body and throws <see cref="UploadTooLargeException"/> as soon as it
/// passes the limit, whatever the host: Kestrel, a test server, a chunked body with no length.
/// </summary>
internal sealed class UploadLimitStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit) throw new UploadTooLargeException(limit);
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
