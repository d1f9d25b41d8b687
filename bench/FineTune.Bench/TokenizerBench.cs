using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FineTune.Tokenizers;

namespace FineTune.Bench;

/// <summary>
/// cl100k_base encoding speed on one thread: our encoder against tiktoken (Rust core as WASM) and
/// js-tiktoken, both run by bench/tokenizer/tiktoken_speed.mjs with node on the same text.
/// Texts: "english" (the repository's Markdown plus Debian's licence texts, repeated to at least
/// --mb MiB) and "mixed" (the 110 KB parity fixture, repeated likewise).
/// </summary>
internal static class TokenizerBench
{
    public static int Run(string[] args)
    {
        var options = BenchOptions.Parse(args);
        var runs = options.Int("runs", 5);
        var megabytes = options.Int("mb", 1);
        var root = BenchInfo.RepositoryRoot();
        var fixtures = Path.Combine(root, "tests", "FineTune.Tokenizers.Tests", "Fixtures");

        var load = Stopwatch.StartNew();
        var tokenizer = Tokenizer.Cl100kBase(Path.Combine(fixtures, "cl100k_base.tiktoken"));
        Console.WriteLine($"cl100k_base loaded in {load.Elapsed.TotalMilliseconds:F0} ms; {Environment.ProcessorCount} cores, load average {BenchInfo.LoadAverage()}");

        var texts = new (string Name, string Text, int Distinct)[]
        {
            Repeat("english", EnglishText(root), megabytes),
            Repeat("mixed", File.ReadAllText(Path.Combine(fixtures, "cl100k_mixed.txt")), megabytes),
        };
        Console.WriteLine($"| text | MB | distinct KB | ours MB/s | tiktoken (WASM) MB/s | js-tiktoken MB/s | ours / tiktoken | ours / js-tiktoken |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, text, distinct) in texts)
        {
            var bytes = Encoding.UTF8.GetByteCount(text);
            var tokens = tokenizer.Encode(text, SpecialTokenPolicy.AsText).Length;
            var seconds = BenchInfo.MedianSeconds(runs, () => tokenizer.Encode(text, SpecialTokenPolicy.AsText));
            var ours = bytes / seconds / 1e6;
            var node = RunNode(root, text, runs);
            if (node is not null && node.Value.Tokens != tokens)
                Console.Error.WriteLine($"warning: {name}: tiktoken gives {node.Value.Tokens} tokens, we give {tokens}");
            Console.WriteLine($"| {name} | {bytes / 1e6:F2} | {distinct / 1024} | {ours:F1} | {Format(node?.Wasm)} | {Format(node?.Js)} | " +
                $"{Ratio(ours, node?.Wasm)} | {Ratio(ours, node?.Js)} |");
        }
        Console.WriteLine($"load average after: {BenchInfo.LoadAverage()}");
        return 0;
    }

    /// <summary>English prose: the repository's Markdown files and the licence texts Debian ships.</summary>
    private static string EnglishText(string root)
    {
        var files = Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(f => !f.Contains("node_modules", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(Directory.Exists("/usr/share/common-licenses") ? Directory.EnumerateFiles("/usr/share/common-licenses") : [])
            .Order(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var file in files)
            if (new FileInfo(file).Length < 1 << 20) text.Append(File.ReadAllText(file)).Append("\n\n");
        return text.ToString();
    }

    private static (string, string, int) Repeat(string name, string text, int megabytes)
    {
        var target = megabytes << 20;
        var builder = new StringBuilder(target + text.Length);
        while (Encoding.UTF8.GetByteCount(builder.ToString()) < target) builder.Append(text);
        return (name, builder.ToString(), Encoding.UTF8.GetByteCount(text));
    }

    private static (double Js, double Wasm, int Tokens)? RunNode(string root, string text, int runs)
    {
        var file = Path.Combine(Path.GetTempPath(), $"finetune-tokenizer-bench-{Environment.ProcessId}.txt");
        File.WriteAllText(file, text, new UTF8Encoding(false));
        try
        {
            using var json = ReferenceProcess.RunJson("tiktoken reference", "node",
                [Path.Combine(root, "bench", "tokenizer", "tiktoken_speed.mjs"), file, $"{runs}"], root);
            if (json is null) return null;
            var rootElement = json.RootElement;
            return (rootElement.GetProperty("js_tiktoken").GetProperty("mb_s").GetDouble(),
                rootElement.GetProperty("tiktoken_wasm").GetProperty("mb_s").GetDouble(),
                rootElement.GetProperty("tiktoken_wasm").GetProperty("tokens").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Format(double? value) => value is { } v ? $"{v:F1}" : "—";

    private static string Ratio(double ours, double? reference) => reference is { } r ? $"{ours / r:F2}×" : "—";
}
