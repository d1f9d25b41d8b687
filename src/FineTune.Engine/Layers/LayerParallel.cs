using FineTune.Engine.Kernels;

namespace FineTune.Engine.Layers;

/// <summary>
/// The one place the layers spread work over cores: <see cref="WorkerPool"/>, whose hand-off costs
/// microseconds where <see cref="Parallel.For(int, int, Action{int})"/> costs up to a hundred after an
/// idle moment, and which honours <see cref="EngineThreads.Count"/>.
/// </summary>
/// <remarks>
/// A loop body is a lambda and cannot capture a <see cref="Span{T}"/>; callers pin their spans with
/// <c>fixed</c> and capture the pointers, which stay valid because these calls return only when
/// every item is done.
/// </remarks>
internal static class LayerParallel
{
    /// <summary>Runs <paramref name="body"/>(0 … count−1), items in any order and on any core.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count == 1) body(0); // skip the scheduling cost for the common single-item case (decode)
        else if (count > 1) WorkerPool.For(count, body);
    }

    /// <summary>
    /// Splits [0, total) into contiguous chunks of at least <paramref name="minChunk"/> (except when
    /// total is smaller) and runs <paramref name="body"/>(start, length) for each.
    /// </summary>
    public static void ForChunks(int total, int minChunk, Action<int, int> body)
    {
        if (total <= 0) return;
        // A few chunks per core lets a core that finishes early take another.
        var chunks = Math.Clamp(total / Math.Max(1, minChunk), 1, 4 * EngineThreads.Count);
        var size = (total + chunks - 1) / chunks;
        chunks = (total + size - 1) / size;
        For(chunks, c =>
        {
            var start = c * size;
            body(start, Math.Min(size, total - start));
        });
    }
}

/// <summary>
/// A pinned span's address and length, so a parallel loop body can rebuild the span it may not
/// capture. Valid only inside the <c>fixed</c> block that produced the pointer.
/// </summary>
internal readonly unsafe struct PinnedSpan(float* pointer, int length)
{
    public Span<float> Span => new(pointer, length);
}
