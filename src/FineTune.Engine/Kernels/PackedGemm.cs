using System.Runtime.CompilerServices;

namespace FineTune.Engine.Kernels;

/// <summary>
/// The blocked loop around <see cref="PackedKernels"/>:
/// <c>y (m×n, row stride ldy) (+)= a (m×k, row tiles) · wᵀ (w: n×k, panels)</c>.
/// k is cut into <see cref="KBlock"/> slices and rows into <see cref="RowBlock"/> blocks so that a
/// block of <c>a</c> stays in L2 while the panels stream past it; threads split the panels
/// (the rows when there are too few panels).
/// </summary>
internal static unsafe class PackedGemm
{
    /// <summary>k per slice (KC): a slice of one panel is 512·32 floats = 64 KiB.</summary>
    public const int KBlock = 512;

    /// <summary>Rows per block (MC): a block of a is 128·512 floats = 256 KiB, within Zen 4's 1 MiB L2.</summary>
    public const int RowBlock = 128;

    /// <summary>
    /// Below this many multiply-adds a product runs on one thread: waking a worker costs about as
    /// much as the work (see bench/README.md, "hand-off").
    /// </summary>
    public const long ParallelMultiplyAdds = 1 << 16;

    /// <summary>Chunks per thread, so that a thread slowed by a neighbour leaves its share to the others.</summary>
    private const int ChunksPerThread = 2;

    public static void Run(float* a, int m, int n, int k, float* panels, float* y, int ldy, bool accumulate, PackedKernel kernel)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++) new Span<float>(y + (long)i * ldy, n).Clear();
            return;
        }

        var body = new Chunk
        {
            A = a, M = m, N = n, K = k, Panels = panels, Y = y, Ldy = ldy, Accumulate = accumulate, Kernel = kernel,
        };
        var threads = (long)m * n * k < ParallelMultiplyAdds ? 1 : EngineThreads.Count;
        var panelCount = Packing.PanelCount(n);
        var tileCount = (m + Packing.TileRows - 1) / Packing.TileRows;
        // Split whichever dimension gives every thread work; panels first, as each thread then
        // reads only its own part of the (usually larger) weight.
        body.SplitsPanels = panelCount >= threads || panelCount >= tileCount;
        var units = body.SplitsPanels ? panelCount : tileCount;
        body.Chunks = (int)Math.Min(units, threads == 1 ? 1 : (long)threads * ChunksPerThread);
        body.Units = units;
        WorkerPool.For(body.Chunks, ref body);
    }

    private struct Chunk : IParallelBody
    {
        public float* A;
        public float* Panels;
        public float* Y;
        public int M, N, K, Ldy;
        public bool Accumulate, SplitsPanels;
        public PackedKernel Kernel;
        public int Chunks, Units;

        public readonly void Invoke(int index)
        {
            var first = (int)((long)Units * index / Chunks);
            var last = (int)((long)Units * (index + 1) / Chunks);
            if (SplitsPanels)
                Multiply(0, M, first * Packing.PanelWidth, Math.Min(N, last * Packing.PanelWidth));
            else
                Multiply(first * Packing.TileRows, Math.Min(M, last * Packing.TileRows), 0, N);
        }

        /// <summary>Rows [i0, i1) × columns [j0, j1), where i0 and j0 start a tile and a panel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Multiply(int i0, int i1, int j0, int j1)
        {
            for (var p0 = 0; p0 < K; p0 += KBlock)
            {
                var kc = Math.Min(KBlock, K - p0);
                var add = Accumulate || p0 > 0;
                for (var b0 = i0; b0 < i1; b0 += RowBlock)
                {
                    var b1 = Math.Min(i1, b0 + RowBlock);
                    for (var j = j0; j < j1; j += Packing.PanelWidth)
                    {
                        var panel = Panels + (long)j * K + (long)p0 * Packing.PanelWidth;
                        var cols = Math.Min(Packing.PanelWidth, N - j);
                        for (var t = b0; t < b1; t += Packing.TileRows)
                        {
                            var rows = Math.Min(Packing.TileRows, M - t);
                            var tile = A + (long)t * K + (long)p0 * rows;
                            PackedKernels.Tile(Kernel, rows, tile, panel, kc, Y + (long)t * Ldy + j, Ldy, cols, add);
                        }
                    }
                }
            }
        }
    }
}
