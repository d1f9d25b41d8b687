using System.Numerics.Tensors;

namespace FineTune.Engine.Layers;

/// <summary>
/// The gate of Llama's MLP: h = silu(gate) ⊙ up, silu(x) = x·σ(x). Element-wise, so any shape works;
/// in the model gate, up and h are (N, hidden).
/// </summary>
public static unsafe class SwiGlu
{
    /// <summary>Elements per parallel chunk.</summary>
    const int MinChunk = 16 * 1024;
    /// <summary>Elements per pass inside a chunk: its temporaries stay in L1.</summary>
    const int Strip = 512;

    // gate, up, output: (N, H)
    public static void Forward(Span<float> output, ReadOnlySpan<float> gate, ReadOnlySpan<float> up)
    {
        CheckSame(gate.Length, up.Length, output.Length, nameof(output));
        fixed (float* outPtr = output, gatePtr = gate, upPtr = up)
        {
            PinnedSpan outP = new(outPtr, output.Length), gateP = new(gatePtr, gate.Length), upP = new(upPtr, up.Length);
            LayerParallel.ForChunks(gate.Length, MinChunk, (start, count) =>
            {
                Span<float> silu = stackalloc float[Strip];
                for (var at = start; at < start + count; at += Strip)
                {
                    var n = Math.Min(Strip, start + count - at);
                    var g = gateP.Span.Slice(at, n);
                    Silu(g, silu[..n]);
                    TensorPrimitives.Multiply(silu[..n], upP.Span.Slice(at, n), outP.Span.Slice(at, n));
                }
            });
        }
    }

    // dout, gate, up: (N, H). dgate += dout·up·silu'(gate); dup += dout·silu(gate),
    // with silu'(x) = σ(x)·(1 + x·(1 − σ(x))).
    public static void Backward(Span<float> dgate, Span<float> dup, ReadOnlySpan<float> dout, ReadOnlySpan<float> gate, ReadOnlySpan<float> up)
    {
        CheckSame(gate.Length, up.Length, dout.Length, nameof(dout));
        CheckSame(gate.Length, dgate.Length, dup.Length, nameof(dgate));
        fixed (float* dgatePtr = dgate, dupPtr = dup, doutPtr = dout, gatePtr = gate, upPtr = up)
        {
            PinnedSpan dgateP = new(dgatePtr, dgate.Length), dupP = new(dupPtr, dup.Length), doutP = new(doutPtr, dout.Length),
                gateP = new(gatePtr, gate.Length), upP = new(upPtr, up.Length);
            LayerParallel.ForChunks(gate.Length, MinChunk, (start, count) =>
            {
                Span<float> sigmoid = stackalloc float[Strip];
                Span<float> work = stackalloc float[Strip];
                for (var at = start; at < start + count; at += Strip)
                {
                    var n = Math.Min(Strip, start + count - at);
                    var g = gateP.Span.Slice(at, n);
                    var dy = doutP.Span.Slice(at, n);
                    var sig = sigmoid[..n];
                    var tmp = work[..n];
                    TensorPrimitives.Sigmoid(g, sig);

                    // dup += dy · g·σ
                    TensorPrimitives.Multiply(g, sig, tmp);
                    TensorPrimitives.Multiply(tmp, dy, tmp);
                    TensorPrimitives.Add(dupP.Span.Slice(at, n), tmp, dupP.Span.Slice(at, n));

                    // dgate += dy · up · σ · (1 + g·(1 − σ))
                    TensorPrimitives.Subtract(1f, sig, tmp);
                    TensorPrimitives.FusedMultiplyAdd(g, tmp, 1f, tmp);
                    TensorPrimitives.Multiply(tmp, sig, tmp);
                    TensorPrimitives.Multiply(tmp, upP.Span.Slice(at, n), tmp);
                    TensorPrimitives.FusedMultiplyAdd(tmp, dy, dgateP.Span.Slice(at, n), dgateP.Span.Slice(at, n));
                }
            });
        }
    }

    static void Silu(ReadOnlySpan<float> x, Span<float> result)
    {
        TensorPrimitives.Sigmoid(x, result);
        TensorPrimitives.Multiply(x, result, result);
    }

    /// <summary>The plain loops the vectorised passes are tested against; in double.</summary>
    internal static void ReferenceForward(Span<float> output, ReadOnlySpan<float> gate, ReadOnlySpan<float> up)
    {
        for (var i = 0; i < gate.Length; i++) output[i] = (float)(gate[i] * Sigmoid(gate[i]) * up[i]);
    }

    internal static void ReferenceBackward(Span<float> dgate, Span<float> dup, ReadOnlySpan<float> dout, ReadOnlySpan<float> gate, ReadOnlySpan<float> up)
    {
        for (var i = 0; i < gate.Length; i++)
        {
            var s = Sigmoid(gate[i]);
            dup[i] += (float)(dout[i] * gate[i] * s);
            dgate[i] += (float)(dout[i] * up[i] * s * (1 + gate[i] * (1 - s)));
        }
    }

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    static void CheckSame(int expected, int a, int b, string name)
    {
        if (a != expected || b != expected)
            throw new ArgumentException($"Element-wise operands differ in length ({expected}, {a}, {b}).", name);
    }
}
