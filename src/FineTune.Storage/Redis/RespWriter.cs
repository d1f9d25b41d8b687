using System.Globalization;
using System.Text;

namespace FineTune.Storage.Redis;

/// <summary>
/// Encodes a command as a RESP2 array of bulk strings (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>) into one
/// exactly sized buffer. Arguments may be <see cref="string"/> (UTF-8), <see cref="byte"/>[],
/// <see cref="ReadOnlyMemory{T}"/>/<see cref="Memory{T}"/> of bytes, or int, long, uint, ulong,
/// double, float (formatted invariantly; infinities as <c>+inf</c>/<c>-inf</c>).
/// </summary>
public static class RespWriter
{
    private const int MaxNumberLength = 64;

    public static byte[] EncodeCommand(params ReadOnlySpan<object> args)
    {
        if (args.IsEmpty) throw new ArgumentException("A Redis command needs at least its name.", nameof(args));
        Span<byte> scratch = stackalloc byte[MaxNumberLength];
        Span<int> lengths = args.Length <= 128 ? stackalloc int[args.Length] : new int[args.Length];

        long total = HeaderLength(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            lengths[i] = ArgLength(args[i], i, scratch);
            total += HeaderLength(lengths[i]) + lengths[i] + 2;
        }
        if (total > Array.MaxLength) throw new ArgumentException($"The command is too large to send ({total} bytes).", nameof(args));

        var buffer = new byte[total];
        var span = buffer.AsSpan();
        var at = WriteHeader(span, (byte)'*', args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            at += WriteHeader(span[at..], (byte)'$', lengths[i]);
            at += WriteArg(args[i], span.Slice(at, lengths[i]));
            span[at++] = (byte)'\r';
            span[at++] = (byte)'\n';
        }
        return buffer;
    }

    private static int HeaderLength(int count) => 1 + Digits(count) + 2;

    private static int Digits(int value)
    {
        var digits = 1;
        while (value >= 10) { value /= 10; digits++; }
        return digits;
    }

    private static int WriteHeader(Span<byte> destination, byte prefix, int count)
    {
        destination[0] = prefix;
        count.TryFormat(destination[1..], out var written, default, CultureInfo.InvariantCulture);
        destination[1 + written] = (byte)'\r';
        destination[2 + written] = (byte)'\n';
        return written + 3;
    }

    private static int ArgLength(object? arg, int index, Span<byte> scratch) => arg switch
    {
        string text => Encoding.UTF8.GetByteCount(text),
        byte[] bytes => bytes.Length,
        ReadOnlyMemory<byte> memory => memory.Length,
        Memory<byte> memory => memory.Length,
        int or long or uint or ulong or double or float => FormatNumber(arg, scratch),
        null => throw new ArgumentNullException($"args[{index}]", "Redis command arguments cannot be null."),
        CancellationToken => throw new ArgumentException(
            $"Argument {index} is a CancellationToken; pass it through the overload that takes one, not as a command argument.", $"args[{index}]"),
        _ => throw new ArgumentException(
            $"Argument {index} has type {arg.GetType().Name}; Redis arguments must be string, byte[], ReadOnlyMemory<byte>, or a number.", $"args[{index}]"),
    };

    private static int WriteArg(object arg, Span<byte> destination) => arg switch
    {
        string text => Encoding.UTF8.GetBytes(text, destination),
        byte[] bytes => Copy(bytes, destination),
        ReadOnlyMemory<byte> memory => Copy(memory.Span, destination),
        Memory<byte> memory => Copy(memory.Span, destination),
        _ => FormatNumber(arg, destination),
    };

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private static int FormatNumber(object number, Span<byte> destination)
    {
        var value = number switch
        {
            double d => d,
            float f => f,
            _ => 0.0,
        };
        if (double.IsNaN(value)) throw new ArgumentException("Redis does not accept NaN as a number.", nameof(number));
        if (double.IsInfinity(value))
        {
            var text = value > 0 ? "+inf"u8 : "-inf"u8;
            text.CopyTo(destination);
            return text.Length;
        }
        int written;
        var ok = number switch
        {
            int i => i.TryFormat(destination, out written, default, CultureInfo.InvariantCulture),
            long l => l.TryFormat(destination, out written, default, CultureInfo.InvariantCulture),
            uint u => u.TryFormat(destination, out written, default, CultureInfo.InvariantCulture),
            ulong u => u.TryFormat(destination, out written, default, CultureInfo.InvariantCulture),
            float f => f.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture),
            _ => ((double)number).TryFormat(destination, out written, "R", CultureInfo.InvariantCulture),
        };
        return ok ? written : throw new InvalidOperationException("A number did not fit its formatting buffer.");
    }
}
