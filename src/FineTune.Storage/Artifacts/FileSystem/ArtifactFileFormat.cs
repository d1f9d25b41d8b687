using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace FineTune.Storage.Artifacts.FileSystem;

/// <summary>
/// One object = one file: <c>[content][trailer JSON][int32 LE trailer length]["FTA1"]</c>.
/// Why a trailer: the SHA-256 and length are only known once the content has streamed through, and
/// the properties must be replaced together with the content by ONE atomic rename. A sidecar file
/// would need a second rename (a reader could pair old content with new properties); a header would
/// need a second pass or a guessed reserved size. The fixed 8-byte footer at the very end lets a
/// reader find the trailer with two small reads.
/// </summary>
internal static class ArtifactFileFormat
{
    private const int FooterSize = 8;
    private const int MaxTrailerSize = 64 * 1024;
    private static ReadOnlySpan<byte> Magic => "FTA1"u8;

    public static async Task WriteTrailerAsync(SafeFileHandle file, long contentLength, ArtifactInfo info, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new Trailer(info.Length, info.Sha256, info.ContentType, info.ETag, info.LastModified), JsonSerializerOptions.Web);
        var trailer = new byte[json.Length + FooterSize];
        json.CopyTo(trailer, 0);
        BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(json.Length), json.Length);
        Magic.CopyTo(trailer.AsSpan(json.Length + 4));
        await RandomAccess.WriteAsync(file, trailer, contentLength, cancellationToken);
    }

    /// <summary>The properties of the object in <paramref name="file"/>; the content is bytes [0, Length).</summary>
    public static async Task<ArtifactInfo> ReadInfoAsync(SafeFileHandle file, string key, string store, CancellationToken cancellationToken)
    {
        var fileLength = RandomAccess.GetLength(file);
        if (fileLength < FooterSize) throw Corrupt(key, store, "it is shorter than its footer");
        var footer = new byte[FooterSize];
        await ReadExactlyAsync(file, footer, fileLength - FooterSize, key, store, cancellationToken);
        if (!footer.AsSpan(4).SequenceEqual(Magic)) throw Corrupt(key, store, "its footer is not an artifact footer");
        var trailerLength = BinaryPrimitives.ReadInt32LittleEndian(footer);
        if (trailerLength is <= 0 or > MaxTrailerSize || trailerLength > fileLength - FooterSize)
            throw Corrupt(key, store, $"its trailer length {trailerLength} is impossible");

        var json = new byte[trailerLength];
        await ReadExactlyAsync(file, json, fileLength - FooterSize - trailerLength, key, store, cancellationToken);
        Trailer trailer;
        try { trailer = JsonSerializer.Deserialize<Trailer>(json, JsonSerializerOptions.Web) ?? throw new JsonException("null trailer"); }
        catch (JsonException e) { throw Corrupt(key, store, $"its trailer is not valid JSON ({e.Message})"); }
        if (trailer.Length != fileLength - FooterSize - trailerLength)
            throw Corrupt(key, store, $"its trailer says {trailer.Length} bytes but the file holds {fileLength - FooterSize - trailerLength}");
        return new ArtifactInfo(key, trailer.Length, trailer.ETag, trailer.Sha256, trailer.ContentType, trailer.LastModified);
    }

    private static async Task ReadExactlyAsync(SafeFileHandle file, Memory<byte> buffer, long offset, string key, string store, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await RandomAccess.ReadAsync(file, buffer, offset, cancellationToken);
            if (read == 0) throw Corrupt(key, store, "it ended early");
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static ArtifactStoreException Corrupt(string key, string store, string why) =>
        new($"Artifact '{key}' in {store} is corrupt: {why}.");

    private sealed record Trailer(long Length, string Sha256, string ContentType, string ETag, DateTimeOffset LastModified);
}
