using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FineTune.Tokenizers.Bpe;

/// <summary>
/// Byte string to id, the lookup every pre-token and every merge candidate goes through. Most
/// symbols are 8 bytes or fewer; those sit in an open-addressing table whose 16-byte slots hold
/// the bytes inline, so a lookup touches one cache line instead of a dictionary's bucket, entry
/// and key array. Longer symbols use a dictionary (<see cref="LookupReference"/> is the plain
/// version, and tests compare the two).
/// </summary>
internal sealed class SymbolIndex
{
    private const int InlineBytes = 8;

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public ulong Word;      // the bytes, little-endian, zero-padded
        public int Length;      // 0: empty slot
        public int Id;
    }

    private readonly Slot[] _slots;
    private readonly int _shift;
    private readonly Dictionary<byte[], int> _long = new(ByteSequenceComparer.Instance);
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _longLookup;

    /// <summary>Indexes every non-null symbol; throws <see cref="ArgumentException"/> when two ids share bytes.</summary>
    public SymbolIndex(byte[]?[] symbols)
    {
        var shortCount = symbols.Count(s => s is { Length: > 0 and <= InlineBytes });
        var bits = Math.Max(4, BitOperations.Log2((uint)Math.Max(shortCount, 1)) + 2);   // load factor at most 1/2
        _slots = new Slot[1 << bits];
        _shift = 64 - bits;
        _longLookup = _long.GetAlternateLookup<ReadOnlySpan<byte>>();
        for (var id = 0; id < symbols.Length; id++)
        {
            if (symbols[id] is not { Length: > 0 } bytes) continue;
            if (TryGetId(bytes, out var existing)) throw new ArgumentException($"Tokens {existing} and {id} have the same bytes.");
            if (bytes.Length <= InlineBytes) Insert(bytes, id);
            else _long.Add(bytes, id);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetId(ReadOnlySpan<byte> symbol, out int id)
    {
        if (symbol.Length > InlineBytes || symbol.Length == 0)
        {
            if (_longLookup.TryGetValue(symbol, out id)) return true;
            id = -1;
            return false;
        }
        var word = Pack(symbol);
        var mask = _slots.Length - 1;
        for (var i = Home(word, symbol.Length); ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Length == 0) break;
            if (slot.Word == word && slot.Length == symbol.Length)
            {
                id = slot.Id;
                return true;
            }
        }
        id = -1;
        return false;
    }

    /// <summary>The plain lookup the table must agree with: a linear search of <paramref name="symbols"/>.</summary>
    public static bool LookupReference(byte[]?[] symbols, ReadOnlySpan<byte> symbol, out int id)
    {
        for (id = 0; id < symbols.Length; id++)
            if (symbols[id] is { } bytes && symbol.SequenceEqual(bytes)) return true;
        id = -1;
        return false;
    }

    private void Insert(ReadOnlySpan<byte> symbol, int id)
    {
        var word = Pack(symbol);
        var mask = _slots.Length - 1;
        var i = Home(word, symbol.Length);
        while (_slots[i].Length != 0) i = (i + 1) & mask;
        _slots[i] = new Slot { Word = word, Length = symbol.Length, Id = id };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pack(ReadOnlySpan<byte> symbol)
    {
        ulong word = 0;
        symbol.CopyTo(MemoryMarshal.AsBytes(new Span<ulong>(ref word)));
        return word;
    }

    // Fibonacci hashing: the multiply spreads every input bit into the top bits kept.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong word, int length) => (int)(((word ^ (ulong)length << 59) * 0x9E3779B97F4A7C15UL) >> _shift);
}
