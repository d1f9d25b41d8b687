using System.Runtime.InteropServices;

namespace FineTune.Engine.Kernels;

/// <summary>
/// The system's OpenBLAS (Debian's libopenblas0-pthread), found once at first use. The engine runs
/// without it, on slower managed kernels, so its absence is a warning rather than an error.
/// </summary>
internal static unsafe partial class OpenBlas
{
    private const string LibraryName = "libopenblas.so.0";

    // CBLAS enumerations, as in cblas.h.
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<bool> Loaded = new(() =>
    {
        if (!NativeLibrary.TryLoad(LibraryName, out _)) return false;
        // The pool and OpenBLAS share the cores, so OpenBLAS gets the engine's count, not its own default.
        openblas_set_num_threads(EngineThreads.Count);
        return true;
    });

    public static bool IsAvailable => Loaded.Value;

    /// <summary>Applies a thread count when the library is (or becomes) loaded; a no-op without it.</summary>
    public static void SetThreadCount(int count)
    {
        if (Loaded.IsValueCreated && Loaded.Value) openblas_set_num_threads(count);
    }

    /// <summary>Row-major <c>cblas_sgemm</c>; the caller has checked the spans' lengths.</summary>
    public static void Sgemm(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            cblas_sgemm(RowMajor, ToCblas(transA), ToCblas(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    private static int ToCblas(Transpose t) => t == Transpose.No ? NoTrans : Trans;

    [LibraryImport(LibraryName)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(LibraryName)]
    private static partial void openblas_set_num_threads(int count);
}
