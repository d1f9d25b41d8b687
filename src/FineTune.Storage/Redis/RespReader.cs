using System.Buffers.Text;
using System.Text;

namespace FineTune.Storage.Redis;

/// <summary>
/// Reads RESP2 replies from a stream through its own buffer. A reply may arrive split across any
/// number of reads; bulk strings larger than the buffer are read straight into their final array.
/// Not thread-safe: one reader per connection, used by one loop.
/// </summary>
public sealed class RespReader(Stream stream, int bufferSize = 64 * 1024)
{
    /// <summary>Redis' own limit (<c>proto-max-bulk-len</c>) is 512 MB.</summary>
    public const int MaxBulkLength = 512 * 1024 * 1024;
    private const int MaxLineLength = 1024 * 1024;
    private const int MaxDepth = 256;

    private byte[] _buffer = new byte[Math.Max(bufferSize, 16)];
    private int _start; // first unread byte
    private int _end;   // one past the last buffered byte

    /// <summary>Reads one complete reply. Throws <see cref="EndOfStreamException"/> when the stream ends first.</summary>
    public ValueTask<RedisResult> ReadAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(0, cancellationToken);

    private async ValueTask<RedisResult> ReadAsync(int depth, CancellationToken cancellationToken)
    {
        var lineLength = await EnsureLineAsync(cancellationToken).ConfigureAwait(false);
        var prefix = _buffer[_start];
        var line = _buffer.AsSpan(_start + 1, lineLength - 1);
        var consumed = lineLength + 2;

        switch (prefix)
        {
            case (byte)'+':
                var simple = RedisResult.SimpleString(Encoding.UTF8.GetString(line));
                _start += consumed;
                return simple;
            case (byte)'-':
                var error = RedisResult.Error(Encoding.UTF8.GetString(line));
                _start += consumed;
                return error;
            case (byte)':':
                var integer = ParseInteger(line, "integer");
                _start += consumed;
                return RedisResult.Integer(integer);
            case (byte)'$':
                var length = ParseLength(line, "bulk string length", MaxBulkLength);
                _start += consumed;
                return length < 0 ? RedisResult.Nil : RedisResult.Bulk(await ReadBulkAsync(length, cancellationToken).ConfigureAwait(false));
            case (byte)'*':
                var count = ParseLength(line, "array length", int.MaxValue);
                _start += consumed;
                if (count < 0) return RedisResult.Nil;
                if (depth >= MaxDepth) throw new RedisProtocolException($"Reply arrays are nested more than {MaxDepth} deep.");
                var items = new RedisResult[count];
                for (var i = 0; i < count; i++)
                    items[i] = await ReadAsync(depth + 1, cancellationToken).ConfigureAwait(false);
                return RedisResult.Array(items);
            default:
                throw new RedisProtocolException($"Unexpected RESP type byte 0x{prefix:x2} ('{Printable(prefix)}'); is this a Redis server speaking RESP2?");
        }
    }

    private static long ParseInteger(ReadOnlySpan<byte> line, string what) =>
        Utf8Parser.TryParse(line, out long value, out var used) && used == line.Length && line.Length > 0
            ? value
            : throw new RedisProtocolException($"Invalid {what} '{Encoding.ASCII.GetString(line[..Math.Min(line.Length, 32)])}' in reply.");

    private static int ParseLength(ReadOnlySpan<byte> line, string what, int max)
    {
        var value = ParseInteger(line, what);
        if (value < -1 || value > max) throw new RedisProtocolException($"Invalid {what} {value} in reply.");
        return (int)value;
    }

    /// <summary>Buffers until a whole CRLF-terminated line is at <see cref="_start"/>; returns its length without CRLF.</summary>
    private async ValueTask<int> EnsureLineAsync(CancellationToken cancellationToken)
    {
        var searched = 0;
        while (true)
        {
            var found = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (found >= 0)
            {
                var newline = searched + found;
                if (newline == 0 || _buffer[_start + newline - 1] != '\r')
                    throw new RedisProtocolException("A reply line is not terminated by CRLF.");
                if (newline == 1) throw new RedisProtocolException("Empty reply line.");
                return newline - 1;
            }
            searched = _end - _start;
            if (searched > MaxLineLength) throw new RedisProtocolException($"A reply line is longer than {MaxLineLength} bytes.");
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<byte[]> ReadBulkAsync(int length, CancellationToken cancellationToken)
    {
        var value = length == 0 ? System.Array.Empty<byte>() : new byte[length];
        var buffered = Math.Min(length, _end - _start);
        _buffer.AsSpan(_start, buffered).CopyTo(value);
        _start += buffered;
        if (buffered < length)
            await stream.ReadExactlyAsync(value.AsMemory(buffered), cancellationToken).ConfigureAwait(false);

        while (_end - _start < 2) await FillAsync(cancellationToken).ConfigureAwait(false);
        if (_buffer[_start] != '\r' || _buffer[_start + 1] != '\n')
            throw new RedisProtocolException($"A bulk string of {length} bytes is not followed by CRLF.");
        _start += 2;
        return value;
    }

    /// <summary>Reads at least one more byte, compacting or growing the buffer to make room.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            var unread = _end - _start;
            if (_start == 0) Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the buffer
            else Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
            _start = 0;
            _end = unread;
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0) throw new EndOfStreamException("The server closed the connection.");
        _end += read;
    }

    private static string Printable(byte value) => value is >= 0x20 and < 0x7f ? ((char)value).ToString() : "?";
}
