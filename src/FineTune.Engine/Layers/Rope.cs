using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FineTune.Engine.Layers;

/// <summary>
/// Rotary position embedding in Hugging Face's "rotate_half" layout: within each head of size D,
/// element i pairs with element i + D/2 and the pair turns by its angle:
/// x1' = x1·cos − x2·sin, x2' = x2·cos + x1·sin.
/// </summary>
public static class Rope
{
    // x: (N, H, D) rotated in place; positions: (N), the absolute position of each token, so a
    // decode step rotates its one token at its place in the sequence.
    public static void Forward(Span<float> x, ReadOnlySpan<int> positions, int heads, RopeTable table) =>
        Rotate(x, positions, heads, table, sinSign: 1f);

    // dx: (N, H, D), the gradient at Forward's output, turned in place into the gradient at its
    // input. A rotation's Jacobian is its transpose, the rotation by the opposite angle.
    public static void Backward(Span<float> dx, ReadOnlySpan<int> positions, int heads, RopeTable table) =>
        Rotate(dx, positions, heads, table, sinSign: -1f);

    static void Rotate(Span<float> x, ReadOnlySpan<int> positions, int heads, RopeTable table, float sinSign)
    {
        var d = CheckShape(x, positions, heads, table);
        var half = d / 2;
        for (var n = 0; n < positions.Length; n++)
        {
            var cos = table.Cos(positions[n]);
            var sin = table.Sin(positions[n]);
            for (var h = 0; h < heads; h++)
            {
                var head = x.Slice((n * heads + h) * d, d);
                RotatePairs(head[..half], head[half..], cos, sin, sinSign);
            }
        }
    }

    static void RotatePairs(Span<float> x1, Span<float> x2, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, float sinSign)
    {
        ref var a = ref MemoryMarshal.GetReference(x1);
        ref var b = ref MemoryMarshal.GetReference(x2);
        ref var c = ref MemoryMarshal.GetReference(cos);
        ref var s = ref MemoryMarshal.GetReference(sin);
        var w = Vector<float>.Count;
        var i = 0;
        var sign = new Vector<float>(sinSign);
        for (; i + w <= x1.Length; i += w)
        {
            var u = (nuint)i;
            var xa = Vector.LoadUnsafe(ref a, u);
            var xb = Vector.LoadUnsafe(ref b, u);
            var vc = Vector.LoadUnsafe(ref c, u);
            var vs = Vector.LoadUnsafe(ref s, u) * sign;
            (xa * vc - xb * vs).StoreUnsafe(ref a, u);
            (xb * vc + xa * vs).StoreUnsafe(ref b, u);
        }
        for (; i < x1.Length; i++)
        {
            float xa = Unsafe.Add(ref a, i), xb = Unsafe.Add(ref b, i), vc = Unsafe.Add(ref c, i), vs = Unsafe.Add(ref s, i) * sinSign;
            Unsafe.Add(ref a, i) = xa * vc - xb * vs;
            Unsafe.Add(ref b, i) = xb * vc + xa * vs;
        }
    }

    /// <summary>The plain loop the vectorised rotation is tested against (forward direction).</summary>
    internal static void Reference(Span<float> x, ReadOnlySpan<int> positions, int heads, RopeTable table)
    {
        var d = CheckShape(x, positions, heads, table);
        var half = d / 2;
        for (var n = 0; n < positions.Length; n++)
        for (var h = 0; h < heads; h++)
        for (var i = 0; i < half; i++)
        {
            var at = (n * heads + h) * d + i;
            double x1 = x[at], x2 = x[at + half];
            double cos = table.Cos(positions[n])[i], sin = table.Sin(positions[n])[i];
            x[at] = (float)(x1 * cos - x2 * sin);
            x[at + half] = (float)(x2 * cos + x1 * sin);
        }
    }

    static int CheckShape(Span<float> x, ReadOnlySpan<int> positions, int heads, RopeTable table)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        var d = table.HeadDim;
        if (x.Length != positions.Length * heads * d)
            throw new ArgumentException(
                $"x has {x.Length} elements; {positions.Length} tokens × {heads} heads × {d} need {positions.Length * heads * d}.",
                nameof(x));
        for (var n = 0; n < positions.Length; n++)
            if ((uint)positions[n] >= (uint)table.MaxPositions)
                throw new ArgumentOutOfRangeException(nameof(positions), positions[n],
                    $"Token {n} has position {positions[n]}; the rotary table covers 0…{table.MaxPositions - 1}.");
        return d;
    }
}
