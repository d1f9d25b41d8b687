using System.Net;

namespace FineTune.Gateway.Forwarding;

/// <summary>The client's request body, streamed to the replica as it arrives (never buffered, never disposed by HttpClient).</summary>
internal sealed class RequestBodyContent(HttpRequest request) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await stream.FlushAsync(cancellationToken); // a streamed upload reaches the replica as it arrives
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = request.ContentLength ?? 0;
        return request.ContentLength is not null;
    }
}
