using System.Buffers;
using System.Runtime.InteropServices;

namespace FineTune.Engine.Kernels;

/// <summary>
/// Float scratch memory at a 64-byte boundary (one cache line, one AVX-512 load), rented from the
/// shared pool and pinned while held. Dispose returns it.
/// </summary>
internal readonly unsafe struct AlignedFloats : IDisposable
{
    /// <summary>Floats to add to a length so that an aligned start still fits.</summary>
    public const int AlignmentFloats = 16;
    private readonly float[] _array;
    private readonly GCHandle _pin;

    public AlignedFloats(long length)
    {
        if (length > Array.MaxLength - AlignmentFloats)
            throw new ArgumentOutOfRangeException(nameof(length), length, "scratch larger than one .NET array");
        _array = ArrayPool<float>.Shared.Rent((int)length + AlignmentFloats);
        _pin = GCHandle.Alloc(_array, GCHandleType.Pinned);
        Pointer = Align((float*)_pin.AddrOfPinnedObject());
        Length = (int)length;
    }

    public float* Pointer { get; }

    public int Length { get; }

    public Span<float> Span => new(Pointer, Length);

    /// <summary>The first 64-byte boundary at or after <paramref name="start"/>.</summary>
    public static float* Align(float* start) => (float*)(((nuint)start + 63) & ~(nuint)63);

    public void Dispose()
    {
        _pin.Free();
        ArrayPool<float>.Shared.Return(_array);
    }
}
