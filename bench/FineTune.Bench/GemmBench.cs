using System.Diagnostics;
using FineTune.Engine.Kernels;

namespace FineTune.Bench;

/// <summary>
/// GFLOP/s of the forward product y = x·Wᵀ (Sgemm No/Yes) on SmolLM2-135M's weight shapes, for
/// OpenBLAS, the managed fallback (which packs both operands on every call) and MultiplyPacked
/// (W packed once beforehand), each as a ratio to OpenBLAS measured in the same run; then the
/// cost of handing a loop to other threads, Parallel.For against WorkerPool.
/// </summary>
public static class GemmBench
{
    private const int PackedMaxRows = 64;         // MultiplyPacked is meant for decode-sized batches

    private sealed record Options(int Runs, double RunMilliseconds, bool Quick);

    public static int Run(string[] args)
    {
        var options = new Options(Runs: 7, RunMilliseconds: 25, Quick: args.Contains("--quick"));
        if (args.Except(["--quick"]).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"gemm: unknown option '{unknown}'; the one option is --quick (fewer shapes)");
            return 2;
        }
        Console.WriteLine($"# GEMM: {BenchInfo.Machine}; EngineThreads.Count = {EngineThreads.Count}; " +
            $"OpenBLAS {(OpenBlas.IsAvailable ? "loaded" : "MISSING")}; packed kernel {PackedKernels.Best}; " +
            $"load average {BenchInfo.LoadAverage()}");
        Console.WriteLine($"# median of {options.Runs} runs of ≥{options.RunMilliseconds} ms each, after warm-up; " +
            "ratio = path GFLOP/s ÷ OpenBLAS GFLOP/s");
        if (!OpenBlas.IsAvailable)
        {
            Console.Error.WriteLine("gemm: libopenblas.so.0 is missing, so there is no reference to compare with.");
            return 1;
        }
        WarmUp(options);
        Console.WriteLine();
        Console.WriteLine("| product | M | N | K | OpenBLAS GFLOP/s | managed GFLOP/s (ratio) | packed GFLOP/s (ratio) | Sgemm runs |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (name, m, n, k) in Shapes(options.Quick))
            Console.WriteLine(MeasureShape(name, m, n, k, options));
        Console.WriteLine();
        MeasureHandOff(options);
        Console.WriteLine();
        Console.WriteLine($"# load average at the end {BenchInfo.LoadAverage()} (the other cores' load skews multi-threaded numbers)");
        return 0;
    }

    /// <summary>SmolLM2-135M's products (hidden 576, 3 KV heads × 64, MLP 1536, vocabulary 49152) and a square reference.</summary>
    private static IEnumerable<(string Name, int M, int N, int K)> Shapes(bool quick)
    {
        (string Name, int N, int K)[] weights =
        [
            ("q/o proj", 576, 576), ("k/v proj", 192, 576), ("gate/up proj", 1536, 576),
            ("down proj", 576, 1536), ("LM head", 49152, 576),
        ];
        int[] rows = quick ? [1, 16, 256] : [1, 4, 16, 256, 1024];
        foreach (var (name, n, k) in weights)
        foreach (var m in rows)
            yield return (name, m, n, k);
        yield return ("square", 2048, 2048, 2048);
    }

    /// <summary>
    /// Runs every path on a few shapes first, so that the first rows of the table are not measured
    /// while the JIT is still compiling and tiering up the code they share with later rows.
    /// </summary>
    private static void WarmUp(Options options)
    {
        var quiet = options with { Runs = 1 };
        foreach (var (m, n, k) in new[] { (1, 192, 576), (4, 192, 576), (16, 192, 576), (64, 192, 576) })
            MeasureShape("warm-up", m, n, k, quiet);
    }

    private static string MeasureShape(string name, int m, int n, int k, Options options)
    {
        var random = new Random(42);
        var x = RandomValues(random, (long)m * k);
        var w = RandomValues(random, (long)n * k);
        var y = new float[(long)m * n];
        var gflop = 2.0 * m * n * k / 1e9;

        var blas = Gflops(gflop, options, () =>
            Gemm.Sgemm(GemmBackend.OpenBlas, PackedKernels.Best, Transpose.No, Transpose.Yes, m, n, k, 1, x, k, w, k, 0, y, n));

        var managed = Cell(blas, Gflops(gflop, options, () =>
            Gemm.Sgemm(GemmBackend.Managed, PackedKernels.Best, Transpose.No, Transpose.Yes, m, n, k, 1, x, k, w, k, 0, y, n)));

        var packed = "—";
        if (m <= PackedMaxRows)
        {
            var weights = PackedWeights.Pack(w, n, k);
            packed = Cell(blas, Gflops(gflop, options, () => Gemm.MultiplyPacked(x, m, weights, y, accumulate: false)));
        }
        return $"| {name} | {m} | {n} | {k} | {blas:F1} | {managed} | {packed} | {(Gemm.ChooseBackend(m, Transpose.Yes) == GemmBackend.OpenBlas ? "OpenBLAS" : "managed")} |";
    }

    private static string Cell(double reference, double gflops) => $"{gflops:F1} ({gflops / reference:F2}×)";

    /// <summary>Median GFLOP/s over runs, each repeating the product until it has taken RunMilliseconds.</summary>
    private static double Gflops(double gflopPerCall, Options options, Action product) =>
        gflopPerCall / MedianSeconds(options, product);

    private static double MedianSeconds(Options options, Action call)
    {
        // Warm-up: tiered compilation, page faults on fresh buffers, OpenBLAS's thread start.
        var warm = Stopwatch.StartNew();
        do call(); while (warm.Elapsed.TotalMilliseconds < 4 * options.RunMilliseconds);

        var perCall = new double[options.Runs];
        for (var r = 0; r < options.Runs; r++)
        {
            var calls = 0;
            var run = Stopwatch.StartNew();
            do { call(); calls++; } while (run.Elapsed.TotalMilliseconds < options.RunMilliseconds);
            perCall[r] = run.Elapsed.TotalSeconds / calls;
        }
        Array.Sort(perCall);
        return perCall[options.Runs / 2];
    }

    private struct EmptyBody : IParallelBody
    {
        public readonly void Invoke(int index) { }
    }

    /// <summary>
    /// A loop of EngineThreads.Count empty bodies: back to back (workers still spinning, as between
    /// the products of one decode step), and after 2 ms idle (workers asleep, as at a step's start).
    /// </summary>
    private static void MeasureHandOff(Options options)
    {
        var count = EngineThreads.Count;
        var body = new EmptyBody();
        Console.WriteLine($"| hand-off of {count} empty bodies | back to back µs | after 2 ms idle µs |");
        Console.WriteLine("|---|---:|---:|");
        Row("Parallel.For", () => Parallel.For(0, count, _ => { }));
        Row("WorkerPool.For (Action)", () => WorkerPool.For(count, _ => { }));
        Row("WorkerPool.For (struct body)", () => WorkerPool.For(count, ref body));

        void Row(string name, Action loop)
        {
            var hot = MedianSeconds(options, loop) * 1e6;
            Console.WriteLine($"| {name} | {hot:F2} | {AfterIdleMicroseconds(loop):F1} |");
        }
    }

    private static double AfterIdleMicroseconds(Action loop)
    {
        var samples = new double[41];
        for (var s = 0; s < samples.Length; s++)
        {
            Thread.Sleep(2);
            var start = Stopwatch.GetTimestamp();
            loop();
            samples[s] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    private static float[] RandomValues(Random random, long count)
    {
        var values = GC.AllocateUninitializedArray<float>(checked((int)count));
        for (var i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }
}
