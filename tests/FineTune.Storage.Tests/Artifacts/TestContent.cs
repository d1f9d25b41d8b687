using System.Security.Cryptography;
using System.Text;

namespace FineTune.Storage.Tests.Artifacts;

/// <summary>Content for artifact tests: deterministic pseudo-random bytes of any size without holding them in memory.</summary>
internal static class TestContent
{
    public static byte[] Bytes(int length, ulong seed = 1)
    {
        var bytes = new byte[length];
        new SeededRandomStream(length, seed).ReadExactly(bytes);
        return bytes;
    }

    public static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static async Task<string> ReadTextAsync(Stream stream) => Encoding.UTF8.GetString(await ReadAllAsync(stream));

    public static async Task<string> Sha256HexAsync(Stream stream) => Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>
/// Byte i is a function of (seed, i) only (SplitMix64 of i / 8), so the same content comes out
/// whatever read sizes the consumer uses, and a second instance reproduces it for comparison.
/// Reads return odd-sized short counts on purpose, like a network stream would.
/// </summary>
internal sealed class SeededRandomStream(long length, ulong seed) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // At most 1 MiB - 3 per call: never a whole chunk at once, never aligned.
        var count = (int)Math.Min(Math.Min(buffer.Length, (1 << 20) - 3), length - _position);
        var (wordIndex, word) = (-1L, 0UL);
        for (var i = 0; i < count; i++, _position++)
        {
            if (_position >> 3 != wordIndex) (wordIndex, word) = (_position >> 3, SplitMix64(seed + (ulong)(_position >> 3)));
            buffer[i] = (byte)(word >> (int)((_position & 7) * 8));
        }
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }
}
