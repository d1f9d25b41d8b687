using System.Text;
using FineTune.Storage.Redis;

namespace FineTune.Storage.Tests.Redis;

/// <summary>RESP2 encoding and parsing on raw bytes; no server.</summary>
public sealed class RespProtocolTests
{
    private static Task<RedisResult> ReadAsync(string wire) => ReadAsync(Encoding.UTF8.GetBytes(wire));

    private static async Task<RedisResult> ReadAsync(byte[] wire) => await new RespReader(new MemoryStream(wire)).ReadAsync();

    [Fact]
    public async Task Reads_a_simple_string()
    {
        var reply = await ReadAsync("+OK\r\n");
        Assert.Equal(RedisResultType.SimpleString, reply.Type);
        Assert.Equal("OK", reply.AsString());
        Assert.Equal("", (await ReadAsync("+\r\n")).AsString());
    }

    [Fact]
    public async Task Reads_an_error_and_throws_it_when_read_as_a_value()
    {
        var reply = await ReadAsync("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        Assert.Equal(RedisResultType.Error, reply.Type);
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", reply.ErrorMessage);
        var error = Assert.Throws<RedisServerException>(() => reply.AsString());
        Assert.Equal("WRONGTYPE", error.ErrorCode);
    }

    [Theory]
    [InlineData(":0\r\n", 0L)]
    [InlineData(":-42\r\n", -42L)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    public async Task Reads_integers(string wire, long expected)
    {
        var reply = await ReadAsync(wire);
        Assert.Equal(RedisResultType.Integer, reply.Type);
        Assert.Equal(expected, reply.AsInt64());
    }

    [Fact]
    public async Task Reads_bulk_strings_null_and_empty()
    {
        Assert.Equal("hello", (await ReadAsync("$5\r\nhello\r\n")).AsString());

        var nil = await ReadAsync("$-1\r\n");
        Assert.True(nil.IsNil);
        Assert.Null(nil.AsBytes());
        Assert.Null(nil.AsString());

        var empty = await ReadAsync("$0\r\n\r\n");
        Assert.Equal(RedisResultType.BulkString, empty.Type);
        Assert.Empty(empty.AsBytes()!);
    }

    [Fact]
    public async Task Reads_a_binary_bulk_string_with_crlf_inside()
    {
        byte[] value = [(byte)'a', (byte)'\r', (byte)'\n', 0, 0xff, (byte)'\r'];
        byte[] wire = [.. "$6\r\n"u8, .. value, .. "\r\n"u8];
        Assert.Equal(value, (await ReadAsync(wire)).AsBytes());
    }

    [Fact]
    public async Task Reads_nested_arrays_with_every_type_inside()
    {
        var reply = await ReadAsync("*5\r\n:1\r\n*2\r\n$1\r\na\r\n*1\r\n+deep\r\n$-1\r\n*-1\r\n-ERR inner\r\n");
        var items = reply.AsArray()!;
        Assert.Equal(5, items.Count);
        Assert.Equal(1, items[0].AsInt64());
        var nested = items[1].AsArray()!;
        Assert.Equal("a", nested[0].AsString());
        Assert.Equal("deep", nested[1].AsArray()![0].AsString());
        Assert.True(items[2].IsNil);
        Assert.True(items[3].IsNil);
        Assert.Null(items[3].AsArray());
        Assert.Equal("ERR inner", items[4].ErrorMessage);
        Assert.Empty((await ReadAsync("*0\r\n")).AsArray()!);
    }

    [Fact]
    public async Task Reads_consecutive_replies_from_one_buffer()
    {
        var reader = new RespReader(new MemoryStream("+PONG\r\n:7\r\n$3\r\nabc\r\n"u8.ToArray()));
        Assert.Equal("PONG", (await reader.ReadAsync()).AsString());
        Assert.Equal(7, (await reader.ReadAsync()).AsInt64());
        Assert.Equal("abc", (await reader.ReadAsync()).AsString());
        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadAsync().AsTask());
    }

    [Fact]
    public async Task Reads_replies_that_arrive_one_byte_per_read()
    {
        var bulk = new string('x', 100);
        var wire = Encoding.UTF8.GetBytes($"*4\r\n+OK\r\n:-12345\r\n${bulk.Length}\r\n{bulk}\r\n*2\r\n$-1\r\n-ERR split\r\n+after\r\n");
        var reader = new RespReader(new OneByteAtATimeStream(wire), bufferSize: 16); // lines and values outgrow the buffer too

        var items = (await reader.ReadAsync()).AsArray()!;
        Assert.Equal("OK", items[0].AsString());
        Assert.Equal(-12345, items[1].AsInt64());
        Assert.Equal(bulk, items[2].AsString());
        Assert.True(items[3].AsArray()![0].IsNil);
        Assert.Equal("ERR split", items[3].AsArray()![1].ErrorMessage);
        Assert.Equal("after", (await reader.ReadAsync()).AsString());
    }

    [Fact]
    public async Task Reads_a_bulk_string_of_several_megabytes_larger_than_its_buffer()
    {
        var value = new byte[5 * 1024 * 1024];
        new Random(42).NextBytes(value);
        byte[] wire = [.. Encoding.ASCII.GetBytes($"${value.Length}\r\n"), .. value, .. "\r\n:1\r\n"u8];
        var reader = new RespReader(new MemoryStream(wire), bufferSize: 4096);
        Assert.Equal(value, (await reader.ReadAsync()).AsBytes());
        Assert.Equal(1, (await reader.ReadAsync()).AsInt64());
    }

    [Fact]
    public async Task A_reply_cut_short_is_end_of_stream()
    {
        await Assert.ThrowsAsync<EndOfStreamException>(() => ReadAsync("$10\r\nabc"));
        await Assert.ThrowsAsync<EndOfStreamException>(() => ReadAsync("*2\r\n:1\r\n"));
        await Assert.ThrowsAsync<EndOfStreamException>(() => ReadAsync("+OK"));
    }

    [Theory]
    [InlineData("!boom\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData(":\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("+OK\n")]
    public async Task Malformed_input_is_a_protocol_error(string wire) =>
        await Assert.ThrowsAsync<RedisProtocolException>(() => ReadAsync(wire));

    [Fact]
    public void Writes_a_command_as_an_array_of_bulk_strings()
    {
        Assert.Equal("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n",
            Encoding.UTF8.GetString(RespWriter.EncodeCommand("SET", "k", "value")));
        Assert.Equal("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", Encoding.UTF8.GetString(RespWriter.EncodeCommand("ECHO", "")));
    }

    [Fact]
    public void Writes_utf8_by_byte_count_and_binary_as_is()
    {
        // ï is two bytes in UTF-8, so the five-character string is a six-byte bulk string.
        Assert.Equal("*2\r\n$4\r\nECHO\r\n$6\r\nnaïve\r\n", Encoding.UTF8.GetString(RespWriter.EncodeCommand("ECHO", "naïve")));

        byte[] binary = [0, (byte)'\r', (byte)'\n', 0xff];
        byte[] expected = [.. "*2\r\n$4\r\nECHO\r\n$4\r\n"u8, .. binary, .. "\r\n"u8];
        Assert.Equal(expected, RespWriter.EncodeCommand("ECHO", binary));
        Assert.Equal(expected, RespWriter.EncodeCommand("ECHO", new ReadOnlyMemory<byte>(binary)));
    }

    [Fact]
    public void Writes_numbers_invariantly()
    {
        Assert.Equal("*6\r\n$3\r\nCMD\r\n$2\r\n-5\r\n$20\r\n18446744073709551615\r\n$3\r\n1.5\r\n$4\r\n+inf\r\n$4\r\n-inf\r\n",
            Encoding.UTF8.GetString(RespWriter.EncodeCommand("CMD", -5L, ulong.MaxValue, 1.5, double.PositiveInfinity, float.NegativeInfinity)));
    }

    [Fact]
    public void Rejects_arguments_it_cannot_encode()
    {
        Assert.Throws<ArgumentNullException>(() => RespWriter.EncodeCommand("GET", null!));
        var wrongType = Assert.Throws<ArgumentException>(() => RespWriter.EncodeCommand("GET", new object()));
        Assert.Contains("Argument 1", wrongType.Message);
        var token = Assert.Throws<ArgumentException>(() => RespWriter.EncodeCommand("GET", "k", CancellationToken.None));
        Assert.Contains("CancellationToken", token.Message);
        Assert.Throws<ArgumentException>(() => RespWriter.EncodeCommand("INCRBYFLOAT", "k", double.NaN));
        Assert.Throws<ArgumentException>(() => RespWriter.EncodeCommand());
    }

    [Fact]
    public async Task What_the_writer_encodes_the_reader_parses_back()
    {
        var value = new byte[70_000];
        new Random(7).NextBytes(value);
        var reply = await ReadAsync(RespWriter.EncodeCommand("SET", "ключ", value, 42));
        var items = reply.AsArray()!;
        Assert.Equal(["SET", "ключ"], items.Take(2).Select(i => i.AsString()));
        Assert.Equal(value, items[2].AsBytes());
        Assert.Equal(42, items[3].AsInt64());
    }
}
