using System.Numerics.Tensors;
using FineTune.Engine.Kernels;
using FineTune.Engine.Quantization;

namespace FineTune.Bench;

/// <summary>
/// One step's products on SmolLM2-135M's shapes (30 layers of q, k, v, o, gate, up, down, then the
/// LM head), each layer its own weights so nothing stays in cache, for 1 activation row (decode) up
/// to a prefill chunk: fp32 through <see cref="Gemm.MultiplyPacked(ReadOnlySpan{float}, int, PackedWeights, Span{float}, bool)"/>
/// (the fastest fp32 path, what float32 serving runs) against <see cref="Int8Matrix.Multiply(ReadOnlySpan{float}, int, Span{float})"/>.
/// Reports rows/s, weight bytes read per step and the fraction of the memory read bandwidth measured in the same run.
/// </summary>
public static class Int8Bench
{
    private const int Hidden = 576, KeyValue = 192, Intermediate = 1536, Layers = 30, Vocabulary = 49152;

    private const long BandwidthBytes = 1L << 30; // far beyond any cache, as the weights are

    private sealed record Weight(int Rows, int Columns, PackedWeights Packed, Int8Matrix Int8);

    public static int Run(string[] args)
    {
        BenchOptions options;
        try { options = BenchOptions.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"int8: {e.Message} Options: --runs N (default 21), --batches N,N,... (activation rows per step, default 1,8,16,92).");
            return 2;
        }
        var runs = options.Int("runs", 21);
        var batchList = options.String("batches", "1,8,16,92");
        var batches = batchList.Split(',').Select(b => int.TryParse(b, out var n) && n > 0 ? n : 0).ToArray();
        if (batches.Contains(0))
        {
            Console.Error.WriteLine($"int8: --batches must be positive whole numbers separated by commas, got '{batchList}'.");
            return 2;
        }
        Console.WriteLine($"# Int8 decode: {BenchInfo.Machine}; EngineThreads.Count = {EngineThreads.Count}; " +
            $"int8 kernel {Int8FloatGemm.Best}; load average {BenchInfo.LoadAverage()}");

        var weights = Build();
        long fp32Bytes = weights.Sum(w => (long)w.Rows * w.Columns * sizeof(float));
        long int8Bytes = weights.Sum(w => w.Int8.ByteSize);
        Console.WriteLine($"# {weights.Count} matrices, {weights.Sum(w => (long)w.Rows * w.Columns) / 1e6:F1} M weights: " +
            $"fp32 {fp32Bytes / 1e6:F1} MB, int8 {int8Bytes / 1e6:F1} MB ({(double)int8Bytes / fp32Bytes:F4}× of fp32)");

        var bandwidth = MeasureReadBandwidth(runs);
        Console.WriteLine($"# memory read bandwidth (sum of a 1 GiB float array on {EngineThreads.Count} threads): {bandwidth / 1e9:F1} GB/s");
        Console.WriteLine($"# median of {runs} steps per path after 3 warm-up steps, the paths timed in turns; a step is every product once, for {string.Join(", ", batches)} rows");
        Console.WriteLine();
        Console.WriteLine("| path | rows | ms per step | rows/s | weight MB per step | GB/s | fraction of read bandwidth | vs fp32 packed |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var count in batches)
        {
            var x = new float[(long)count * Intermediate];
            var y = new float[(long)count * Vocabulary];
            var random = new Random(5);
            for (var i = 0; i < x.Length; i++) x[i] = random.NextSingle() * 2 - 1;

            var times = InterleavedMedians(runs,
                () =>
                {
                    foreach (var w in weights) Gemm.MultiplyPacked(x.AsSpan(0, count * w.Columns), count, w.Packed, y, accumulate: false);
                },
                () =>
                {
                    foreach (var w in weights) w.Int8.Multiply(x.AsSpan(0, count * w.Columns), count, y);
                });
            Console.WriteLine(Row("fp32 MultiplyPacked", count, times[0], fp32Bytes, bandwidth, times[0]));
            Console.WriteLine(Row("int8 W8A32", count, times[1], int8Bytes, bandwidth, times[0]));
        }
        Console.WriteLine();
        Console.WriteLine($"# load average at the end {BenchInfo.LoadAverage()}");
        return 0;
    }

    /// <summary>
    /// Median seconds of each step, timed in turns (one of each, then again) rather than one path
    /// after another, so that load from other processes falls on all paths alike.
    /// </summary>
    private static double[] InterleavedMedians(int runs, params Action[] steps)
    {
        var times = new double[steps.Length][];
        for (var s = 0; s < steps.Length; s++)
        {
            times[s] = new double[runs];
            for (var warm = 0; warm < 3; warm++) steps[s]();
        }
        for (var r = 0; r < runs; r++)
        for (var s = 0; s < steps.Length; s++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            steps[s]();
            times[s][r] = clock.Elapsed.TotalSeconds;
        }
        foreach (var t in times) Array.Sort(t);
        return [.. times.Select(t => t[runs / 2])];
    }

    private static string Row(string path, int count, double seconds, long bytes, double bandwidth, double fp32) =>
        $"| {path} | {count} | {seconds * 1e3:F2} | {count / seconds:F1} | {bytes / 1e6:F1} | {bytes / seconds / 1e9:F1} | " +
        $"{bytes / seconds / bandwidth:P0} | {fp32 / seconds:F2}× |";

    /// <summary>Every product of one step, in model order, each with weights of its own.</summary>
    private static List<Weight> Build()
    {
        var random = new Random(42);
        var shapes = new List<(int Rows, int Columns)>();
        for (var layer = 0; layer < Layers; layer++)
            shapes.AddRange([(Hidden, Hidden), (KeyValue, Hidden), (KeyValue, Hidden), (Hidden, Hidden),
                (Intermediate, Hidden), (Intermediate, Hidden), (Hidden, Intermediate)]);
        shapes.Add((Vocabulary, Hidden));
        return [.. shapes.Select(shape =>
        {
            var w = new float[shape.Rows * shape.Columns];
            for (var i = 0; i < w.Length; i++) w[i] = (random.NextSingle() - 0.5f) * 0.1f;
            return new Weight(shape.Rows, shape.Columns, PackedWeights.Pack(w, shape.Rows, shape.Columns),
                Int8Matrix.Quantize(w, shape.Rows, shape.Columns));
        })];
    }

    /// <summary>Bytes per second of summing a large float array, split over the engine's threads like the kernels.</summary>
    private static double MeasureReadBandwidth(int runs)
    {
        var values = GC.AllocateUninitializedArray<float>((int)(BandwidthBytes / sizeof(float)));
        values.AsSpan().Fill(1f);
        var chunks = EngineThreads.Count * 4;
        var partial = new float[chunks];
        var seconds = BenchInfo.MedianSeconds(runs, () => WorkerPool.For(chunks, c =>
        {
            var length = values.Length / chunks;
            partial[c] = TensorPrimitives.Sum(values.AsSpan(c * length, length));
        }), warmUpCalls: 1);
        if (partial.Sum() != values.Length / chunks * chunks) throw new InvalidOperationException("the bandwidth sum is wrong");
        return BandwidthBytes / seconds;
    }
}
