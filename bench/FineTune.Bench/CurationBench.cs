using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using FineTune.Curation.Augmentation;
using FineTune.Curation.Cards;
using FineTune.Curation.Pipeline;

namespace FineTune.Bench;

/// <summary>
/// The curation pipeline end to end on a generated raw chat file (default 100,000 lines, about
/// 50 MB, with planted noise): one run with the default options and, with --augment, one with
/// oversampling and augmentation. The reference in the same run is the I/O and JSON floor: the
/// same file streamed and parsed line by line with System.Text.Json, every message's content read.
/// Prints seconds, records/s, MB/s, the ratio to the reference, each step's record counts and
/// time (from the pipeline's progress reports), and memory.
/// </summary>
internal static class CurationBench
{
    private const string Usage = "curation options: --records N (default 100000), --quick (10000), --augment (also oversample + augment), --seed N, --out DIR (keep the file there)";

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var augment = args.Contains("--augment");
        int records, seed;
        string keep;
        try
        {
            var options = BenchOptions.Parse([.. args.Except(["--quick", "--augment"])]);
            (records, seed, keep) = (options.Int("records", quick ? 10_000 : 100_000), options.Int("seed", 42), options.String("out", ""));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{e.Message}\n{Usage}");
            return 2;
        }
        var folder = keep.Length > 0 ? keep : Path.Combine(Path.GetTempPath(), $"finetune-curation-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var root = BenchInfo.RepositoryRoot();
        Console.WriteLine($"{BenchInfo.Machine}; load average {BenchInfo.LoadAverage()}");

        var generating = Stopwatch.StartNew();
        var raw = RawDatasetGenerator.Write(Path.Combine(folder, $"raw-{records}-{seed}.jsonl"), records, seed);
        Console.WriteLine($"{raw.Path}: {raw.Lines:N0} lines, {raw.Bytes / 1e6:F1} MB ({raw.Bytes / raw.Lines} bytes a line), written in {generating.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"planted: {string.Join(", ", raw.Planted.Select(p => $"{p.Key} {p.Value:N0}"))}");
        try
        {
            var loading = Stopwatch.StartNew();
            var tokens = TokenCounter.Load(Path.Combine(root, "models", "finetune-base", "tokenizer.json"));
            var wordNet = new Lazy<WordNetSynonyms>(() => WordNetSynonyms.Load());
            var pipeline = new CurationPipeline(tokens, () => wordNet.Value);
            Console.WriteLine($"tokenizer loaded in {loading.Elapsed.TotalSeconds:F1} s");

            var (parsed, unparsable) = JsonFloor(raw.Path);
            var reference = BenchInfo.MedianSeconds(3, () => JsonFloor(raw.Path));
            Console.WriteLine($"reference (JsonDocument per line, every content read): {parsed:N0} lines parsed, {unparsable} unparsable, median of 3: {reference:F2} s");
            Console.WriteLine();

            var runs = new List<(string Name, CurationOptions Options)> { ("default", new CurationOptions { Seed = seed }) };
            if (augment) runs.Add(("oversample + augment", new CurationOptions { Seed = seed, Balance = BalanceMode.Oversample, Augment = true }));
            var measured = runs.Select(r => Measure(pipeline, raw.Path, r.Name, r.Options)).ToList();

            Console.WriteLine("| run | seconds | records/s | MB/s | × reference time | peak working set MB | allocated MB | heap after MB |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| reference: System.Text.Json parse | {reference:F2} | {raw.Lines / reference:N0} | {raw.Bytes / reference / 1e6:F0} | 1.00× | — | — | — |");
            foreach (var m in measured)
                Console.WriteLine($"| pipeline, {m.Name} | {m.Seconds:F1} | {raw.Lines / m.Seconds:N0} | {raw.Bytes / m.Seconds / 1e6:F1} | {m.Seconds / reference:F0}× | " +
                    $"{Mb(m.PeakWorkingSet)}{(m.PeakIsPerRun ? "" : " (process)")} | {Mb(m.Allocated)} | {Mb(m.HeapAfter)} |");

            foreach (var m in measured)
            {
                Console.WriteLine();
                Console.WriteLine($"{m.Name}: train {m.Outcome.Train.Count:N0}, validation {m.Outcome.Validation.Count:N0}, test {m.Outcome.Test.Count:N0}; " +
                    $"rejected {m.Outcome.Report.RejectedLines.Count}, filtered {m.Outcome.Report.FilteredLines.Count}, " +
                    $"PII redacted {string.Join(", ", m.Outcome.Report.PiiRedacted.Select(p => $"{p.Key} {p.Value}"))}, changed by cleaning {m.Outcome.Report.RecordsChangedByCleaning:N0}");
                Console.WriteLine("| step | records in | records out | change |");
                Console.WriteLine("|---|---:|---:|---:|");
                foreach (var step in m.Outcome.Report.Steps)
                    Console.WriteLine($"| {step.Step} | {step.RecordsIn:N0} | {step.RecordsOut:N0} | {step.RecordsOut - step.RecordsIn:+#,0;-#,0;0} |");
                Console.WriteLine("| progress report | seconds since the previous | share |");
                Console.WriteLine("|---|---:|---:|");
                foreach (var (step, seconds) in m.StepSeconds)
                    Console.WriteLine($"| {step} | {seconds:F2} | {seconds / m.Seconds:P0} |");
            }
            Console.WriteLine($"\nload average after: {BenchInfo.LoadAverage()}");
            return 0;
        }
        finally
        {
            if (keep.Length == 0) Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Measurement(string Name, double Seconds, CurationOutcome Outcome, IReadOnlyList<(string Step, double Seconds)> StepSeconds,
        long PeakWorkingSet, bool PeakIsPerRun, long Allocated, long HeapAfter);

    private static Measurement Measure(CurationPipeline pipeline, string path, string name, CurationOptions options)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var perRun = ResetPeakWorkingSet();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var progress = new ProgressClock(clock);
        var outcome = pipeline.RunAsync([CurationSource.FromFile(path)], options, progress).GetAwaiter().GetResult();
        var seconds = clock.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        var peak = process.PeakWorkingSet64;
        // what the finished run holds on to: the outcome is alive here, the garbage is not
        GC.Collect();
        var heapAfter = GC.GetGCMemoryInfo().HeapSizeBytes;
        Console.WriteLine($"pipeline, {name}: {seconds:F1} s");
        return new Measurement(name, seconds, outcome, progress.Steps(seconds), peak, perRun, allocated, heapAfter);
    }

    /// <summary>
    /// Linux keeps the peak resident set per process; writing 5 to clear_refs resets it (Linux 4.0+),
    /// so each run's peak is its own. False where that is not allowed: the peak is then the process's.
    /// </summary>
    private static bool ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads every line with JsonDocument and every message's content as a string; counts lines that do not parse.</summary>
    private static (int Parsed, int Unparsable) JsonFloor(string path)
    {
        var (parsed, unparsable) = (0, 0);
        using var file = File.OpenRead(path);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var filled = 0;
        void Count(ReadOnlyMemory<byte> line)
        {
            if (Parse(line)) parsed++;
            else unparsable++;
        }
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = file.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                var start = 0;
                for (int end; (end = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0; start = end + 1)
                    Count(buffer.AsMemory(start, end - start));
                if (read == 0)
                {
                    // a last line without a newline
                    if (start < filled) Count(buffer.AsMemory(start, filled - start));
                    return (parsed, unparsable);
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool Parse(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var characters = 0;
            foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
                characters += message.GetProperty("content").GetString()!.Length;
            return characters >= 0;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Timestamps each progress report as it is made (Progress&lt;T&gt; would post it to the thread pool and time the posting).</summary>
    private sealed class ProgressClock(Stopwatch run) : IProgress<CurationProgress>
    {
        private readonly List<(string Step, double At)> _reports = [];

        public void Report(CurationProgress value)
        {
            lock (_reports) _reports.Add((value.Step, run.Elapsed.TotalSeconds));
        }

        /// <summary>Time between consecutive reports; the last row is what followed the last report until the run returned.</summary>
        public IReadOnlyList<(string Step, double Seconds)> Steps(double totalSeconds)
        {
            var steps = new List<(string, double)>();
            var previous = 0.0;
            foreach (var (step, at) in _reports)
            {
                steps.Add((step, at - previous));
                previous = at;
            }
            steps.Add(("(after the last report)", totalSeconds - previous));
            return steps;
        }
    }

    private static string Mb(long bytes) => $"{bytes / 1e6:N0}";
}
