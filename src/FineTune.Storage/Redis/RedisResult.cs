using System.Globalization;
using System.Text;

namespace FineTune.Storage.Redis;

/// <summary>The kind of a RESP2 reply.</summary>
public enum RedisResultType
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
    /// <summary>A null bulk string (<c>$-1</c>) or null array (<c>*-1</c>).</summary>
    Nil,
}

/// <summary>
/// One RESP2 reply: an integer, simple or bulk string, array (possibly nested), nil, or an error.
/// A top-level error reply never reaches callers as a value (it is thrown as
/// <see cref="RedisServerException"/>); errors nested inside arrays (a Lua table, for instance) are
/// kept and throw when read as a value.
/// </summary>
public sealed class RedisResult
{
    private static readonly RedisResult[] NoItems = [];
    private readonly object? _value; // string (simple, error) | byte[] (bulk) | RedisResult[] (array)
    private readonly long _integer;

    private RedisResult(RedisResultType type, object? value, long integer = 0)
    {
        Type = type;
        _value = value;
        _integer = integer;
    }

    public static RedisResult Nil { get; } = new(RedisResultType.Nil, null);
    internal static RedisResult Ok { get; } = new(RedisResultType.SimpleString, "OK");
    internal static RedisResult Pong { get; } = new(RedisResultType.SimpleString, "PONG");
    internal static RedisResult EmptyArray { get; } = new(RedisResultType.Array, NoItems);

    public static RedisResult SimpleString(string value) => value switch
    {
        "OK" => Ok,
        "PONG" => Pong,
        _ => new(RedisResultType.SimpleString, value),
    };

    public static RedisResult Error(string message) => new(RedisResultType.Error, message);
    public static RedisResult Integer(long value) => new(RedisResultType.Integer, null, value);
    public static RedisResult Bulk(byte[] value) => new(RedisResultType.BulkString, value);
    public static RedisResult Array(RedisResult[] items) => items.Length == 0 ? EmptyArray : new(RedisResultType.Array, items);

    public RedisResultType Type { get; }

    public bool IsNil => Type == RedisResultType.Nil;
    public bool IsError => Type == RedisResultType.Error;

    /// <summary>The error text of an <see cref="RedisResultType.Error"/> reply.</summary>
    public string ErrorMessage => Type == RedisResultType.Error
        ? (string)_value!
        : throw new InvalidOperationException($"This reply is {Describe()}, not an error.");

    /// <summary>An integer reply, or a simple/bulk string holding an integer (<c>GET</c> of a counter).</summary>
    public long AsInt64()
    {
        switch (Type)
        {
            case RedisResultType.Integer:
                return _integer;
            case RedisResultType.SimpleString or RedisResultType.BulkString
                when long.TryParse(AsString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                return WrongType<long>("an integer");
        }
    }

    /// <summary>The reply as UTF-8 text; null for nil. Integers are formatted invariantly.</summary>
    public string? AsString() => Type switch
    {
        RedisResultType.SimpleString => (string)_value!,
        RedisResultType.BulkString => Encoding.UTF8.GetString((byte[])_value!),
        RedisResultType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RedisResultType.Nil => null,
        _ => WrongType<string?>("a string"),
    };

    /// <summary>The reply's bytes (a bulk string is returned as is, not copied); null for nil.</summary>
    public byte[]? AsBytes() => Type switch
    {
        RedisResultType.BulkString => (byte[])_value!,
        RedisResultType.SimpleString or RedisResultType.Integer => Encoding.UTF8.GetBytes(AsString()!),
        RedisResultType.Nil => null,
        _ => WrongType<byte[]?>("a string"),
    };

    /// <summary>The items of an array reply; null for nil.</summary>
    public IReadOnlyList<RedisResult>? AsArray() => Type switch
    {
        RedisResultType.Array => (RedisResult[])_value!,
        RedisResultType.Nil => null,
        _ => WrongType<IReadOnlyList<RedisResult>?>("an array"),
    };

    public static explicit operator long(RedisResult result) => result.AsInt64();
    public static explicit operator string?(RedisResult result) => result.AsString();
    public static explicit operator byte[]?(RedisResult result) => result.AsBytes();

    /// <summary>redis-cli style rendering, for logs and test failures (long values are cut short).</summary>
    public override string ToString() => Type switch
    {
        RedisResultType.SimpleString => (string)_value!,
        RedisResultType.Error => $"(error) {_value}",
        RedisResultType.Integer => $"(integer) {_integer.ToString(CultureInfo.InvariantCulture)}",
        RedisResultType.BulkString => Quote(AsString()!),
        RedisResultType.Array => $"[{string.Join(", ", ((RedisResult[])_value!).Take(16))}{(((RedisResult[])_value!).Length > 16 ? ", …" : "")}]",
        _ => "(nil)",
    };

    private static string Quote(string text) => text.Length <= 100 ? $"\"{text}\"" : $"\"{text[..100]}…\" ({text.Length} chars)";

    private string Describe() => Type switch
    {
        RedisResultType.SimpleString => "a simple string",
        RedisResultType.Error => "an error",
        RedisResultType.Integer => "an integer",
        RedisResultType.BulkString => "a bulk string",
        RedisResultType.Array => "an array",
        _ => "nil",
    };

    // An error reply read as a value throws the server's error; anything else is a cast error.
    private T WrongType<T>(string wanted)
    {
        if (Type == RedisResultType.Error) throw new RedisServerException("(nested reply)", (string)_value!);
        throw new InvalidCastException($"The reply is {Describe()}, not {wanted}.");
    }
}
