using System.Runtime.CompilerServices;

namespace FineTune.Engine.Kernels;

/// <summary>
/// The two layouts the packed kernels read, so that their inner loop walks memory in order:
/// <list type="bullet">
/// <item>Panels of the weight W (n×k): <see cref="PanelWidth"/> output columns at a time, element
/// (c, p) of panel j at <c>j·PanelWidth·k + p·PanelWidth + c</c>; the last panel is zero-padded.</item>
/// <item>Row tiles of the input X (m×k): <see cref="TileRows"/> rows at a time (fewer in the last),
/// element (r, p) of the tile starting at row r0 with R rows at <c>r0·k + p·R + r</c>; m·k floats in
/// all, and a single row is its own tile, so one row needs no packing.</item>
/// </list>
/// </summary>
internal static class Packing
{
    /// <summary>Output columns per panel: two 16-float AVX-512 registers.</summary>
    public const int PanelWidth = 32;

    /// <summary>Input rows per tile: 8 rows × 2 registers = 16 accumulators, half the AVX-512 register file.</summary>
    public const int TileRows = 8;

    public static int PanelCount(int n) => (n + PanelWidth - 1) / PanelWidth;

    public static long PanelFloats(int n, int k) => (long)PanelCount(n) * PanelWidth * k;

    /// <summary>
    /// Packs W (n×k) into panels. W(c, p) is <c>source[c·ld + p]</c>, or <c>source[p·ld + c]</c>
    /// when <paramref name="sourceIsTransposed"/> (the source then holds Wᵀ, k×n).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per weight, so never reaches a faster tier
    public static unsafe void PackPanels(ReadOnlySpan<float> source, int n, int k, int ld, bool sourceIsTransposed, Span<float> panels)
    {
        fixed (float* src = source)
        fixed (float* dst = panels)
            for (var j0 = 0; j0 < n; j0 += PanelWidth)
            {
                var panel = dst + (long)j0 * k;
                var cols = Math.Min(PanelWidth, n - j0);
                if (sourceIsTransposed)
                    for (var p = 0; p < k; p++)
                        new ReadOnlySpan<float>(src + (long)p * ld + j0, cols).CopyTo(new Span<float>(panel + p * PanelWidth, cols));
                else
                    GatherColumns(src + (long)j0 * ld, ld, cols, k, panel);
                if (cols < PanelWidth)
                    for (var p = 0; p < k; p++)
                        new Span<float>(panel + p * PanelWidth + cols, PanelWidth - cols).Clear();
            }
    }

    /// <summary>
    /// panel[p·32 + c] = rows[c·ld + p]: a transpose, done a slice of k at a time so that the
    /// slice's 32 destination rows stay in L1 while the source rows are read in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GatherColumns(float* rows, int ld, int cols, int k, float* panel)
    {
        const int Slice = 64; // 64 × 32 floats = 8 KiB of panel
        for (var p0 = 0; p0 < k; p0 += Slice)
        {
            var length = Math.Min(Slice, k - p0);
            for (var c = 0; c < cols; c++)
            {
                var from = rows + (long)c * ld + p0;
                var to = panel + p0 * PanelWidth + c;
                for (var q = 0; q < length; q++) to[q * PanelWidth] = from[q];
            }
        }
    }

    /// <summary>
    /// Packs alpha·X (m×k) into row tiles. X(r, p) is <c>source[r·ld + p]</c>, or
    /// <c>source[p·ld + r]</c> when <paramref name="sourceIsTransposed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRowTiles(ReadOnlySpan<float> source, int m, int k, int ld, bool sourceIsTransposed, float alpha, Span<float> tiles)
    {
        for (var r0 = 0; r0 < m; r0 += TileRows)
        {
            var rows = Math.Min(TileRows, m - r0);
            var tile = tiles.Slice(r0 * k, rows * k);
            for (var p = 0; p < k; p++)
            for (var r = 0; r < rows; r++)
            {
                var value = sourceIsTransposed ? source[p * ld + r0 + r] : source[(r0 + r) * ld + p];
                tile[p * rows + r] = alpha * value;
            }
        }
    }
}
