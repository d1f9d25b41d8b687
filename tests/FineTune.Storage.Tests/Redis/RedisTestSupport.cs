using System.Diagnostics;
using System.Globalization;
using FineTune.Storage.Redis;

namespace FineTune.Storage.Tests.Redis;

internal static class RedisTestSupport
{
    /// <summary>A key no other test uses (the tests share one server).</summary>
    public static string Key(string what) => $"test:{what}:{Guid.NewGuid():N}";

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"Timed out after {seconds} s waiting until {what}.");
            await Task.Delay(20);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, double seconds = 10) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, seconds);

    /// <summary>The server-side ids of connections whose CLIENT SETNAME is <paramref name="name"/>.</summary>
    public static async Task<long[]> ClientIdsNamedAsync(RedisClient admin, string name)
    {
        var list = (await admin.ExecuteAsync("CLIENT", "LIST")).AsString()!;
        return [.. list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ').Select(field => field.Split('=', 2)).Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0], kv => kv[1].Trim()))
            .Where(fields => fields.GetValueOrDefault("name") == name)
            .Select(fields => long.Parse(fields["id"], CultureInfo.InvariantCulture))];
    }

    /// <summary>CLIENT KILL ID: the server drops that connection, as it would on a restart or a network cut.</summary>
    public static async Task KillClientAsync(RedisClient admin, long clientId) =>
        Assert.Equal(1, (await admin.ExecuteAsync("CLIENT", "KILL", "ID", clientId)).AsInt64());
}

/// <summary>A stream that hands out one byte per read: every reply arrives split at every possible point.</summary>
internal sealed class OneByteAtATimeStream(byte[] data) : Stream
{
    private int _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position == data.Length) return 0;
        buffer[0] = data[_position++];
        return 1;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield(); // make every read truly asynchronous
        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
