using System.Text.Json;

namespace FineTune.Bench;

/// <summary>Runs bench/torch/llama_bench.py (PyTorch, same machine, same shapes) and reads its JSON line.</summary>
internal static class TorchReference
{
    public sealed record Result(double TokensPerSecond, double SecondsPerStep, long Params, string Torch, int IntraOpThreads);

    /// <summary>
    /// PyTorch's best on <paramref name="threads"/> cores: OpenBLAS gets that many threads, and
    /// PyTorch's own pool runs with as many and with one (on 2 cores the two pools can spin against
    /// each other), keeping the faster, so the reference is never handicapped.
    /// Null (with the reason on stderr) when PyTorch is not installed: the C# side still prints.
    /// </summary>
    public static Result? Run(string config, string mode, int batch, int seq, int threads, int steps, int tokens = 32)
    {
        var best = RunOnce(config, mode, batch, seq, threads, threads, steps, tokens);
        if (threads == 1 || best is null) return best;
        var singlePool = RunOnce(config, mode, batch, seq, threads, 1, steps, tokens);
        return singlePool is not null && singlePool.TokensPerSecond > best.TokensPerSecond ? singlePool : best;
    }

    private static Result? RunOnce(string config, string mode, int batch, int seq, int threads, int intraOpThreads, int steps, int tokens)
    {
        var script = Path.Combine(BenchInfo.RepositoryRoot(), "bench", "torch", "llama_bench.py");
        using var json = ReferenceProcess.RunJson("PyTorch reference", "/usr/bin/python3",
            [script, "--config", config, "--mode", mode, "--batch", $"{batch}", "--seq", $"{seq}", "--threads", $"{threads}",
             "--intra-op-threads", $"{intraOpThreads}", "--steps", $"{steps}", "--warmup", "1", "--tokens", $"{tokens}"]);
        if (json is null) return null;
        var root = json.RootElement;
        return new Result(root.GetProperty("tokens_per_s").GetDouble(), root.GetProperty("seconds_per_step").GetDouble(),
            root.GetProperty("params").GetInt64(), root.GetProperty("torch").GetString() ?? "?",
            root.GetProperty("intra_op_threads").GetInt32());
    }
}
