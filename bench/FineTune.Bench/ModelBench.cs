using FineTune.Engine.Kernels;
using FineTune.Engine.Optim;
using FineTune.Models;
using FineTune.Models.Generation;
using FineTune.Models.Llama;

namespace FineTune.Bench;

/// <summary>
/// Tokens per second of the C# Llama and of the same model in PyTorch (bench/torch/llama_bench.py),
/// same shapes, same thread count, run one after the other in this invocation.
///   train   forward + backward + AdamW step     (--batch, --seq)
///   forward forward only                         (--batch, --seq)
///   decode  greedy generation at batch 1 with a KV cache: a --seq-token prompt, then --tokens new ones (--weights fp32|int8)
/// </summary>
internal static class ModelBench
{
    public static LlamaConfig Small { get; } = new()
    {
        VocabSize = 8192, HiddenSize = 256, IntermediateSize = 688, NumLayers = 8, NumHeads = 8, NumKeyValueHeads = 4,
        MaxPositionEmbeddings = 2048,
    };

    public static LlamaConfig SmolLM2 { get; } = new()
    {
        VocabSize = 49152, HiddenSize = 576, IntermediateSize = 1536, NumLayers = 30, NumHeads = 9, NumKeyValueHeads = 3,
        TieWordEmbeddings = true, MaxPositionEmbeddings = 2048,
    };

    public static int Run(string mode, string[] args)
    {
        var options = BenchOptions.Parse(args);
        var configName = options.String("config", "small");
        var config = configName switch
        {
            "small" => Small,
            "smollm2" => SmolLM2,
            _ => throw new ArgumentException($"--config must be small or smollm2, got '{configName}'."),
        };
        int batch = options.Int("batch", mode == "decode" ? 1 : 4), seq = options.Int("seq", mode == "decode" ? 16 : 128);
        int steps = options.Int("steps", 3), tokens = options.Int("tokens", 32), threads = options.Int("threads", EngineThreads.Count);
        var weights = options.Weights(WeightPrecision.Float32);
        EngineThreads.Count = threads;
        var model = LlamaModel.CreateRandom(config, seed: 0);
        Console.WriteLine($"{mode} {configName}: {model.ParameterCount:N0} parameters, batch {batch}, seq {seq}, {threads} threads, {(mode == "decode" ? $"{weights} weights, " : "")}{BenchInfo.Machine}; load average {BenchInfo.LoadAverage()}");

        var (perStep, tokensPerStep) = mode switch
        {
            "train" => TimeTraining(model, batch, seq, steps),
            "forward" => TimeForward(model, batch, seq, steps),
            "decode" => TimeDecode(model, seq, tokens, steps, weights),
            _ => throw new ArgumentException($"unknown mode {mode}"),
        };
        var ours = tokensPerStep / perStep;
        Console.WriteLine($"  FineTune engine: {ours,10:N0} tokens/s ({perStep * 1000:N1} ms/step)");

        var torch = TorchReference.Run(configName, mode, batch, seq, threads, steps, tokens);
        if (torch is null) return 1;
        Console.WriteLine($"  PyTorch {torch.Torch,-8}: {torch.TokensPerSecond,10:N0} tokens/s ({torch.SecondsPerStep * 1000:N1} ms/step, " +
                          $"{threads} OpenBLAS / {torch.IntraOpThreads} intra-op threads)");
        Console.WriteLine($"  ratio (FineTune / PyTorch): {ours / torch.TokensPerSecond:F2}×");
        return 0;
    }

    private static (double SecondsPerStep, int Tokens) TimeTraining(LlamaModel model, int batch, int seq, int steps)
    {
        var pass = new TrainingPass(model, batch, seq);
        var optimizer = new AdamW(1e-4, 0.9, 0.95, 1e-8, 0.1, pass.TrainableSlices());
        var (ids, targets) = RandomBatch(model.Config.VocabSize, batch * seq);
        return (Median(steps, () =>
        {
            pass.ZeroGradients();
            pass.Forward(ids, targets);
            pass.Backward();
            optimizer.Step(model.Parameters, pass.Gradients);
        }), batch * seq);
    }

    private static (double SecondsPerStep, int Tokens) TimeForward(LlamaModel model, int batch, int seq, int steps)
    {
        var pass = new TrainingPass(model, batch, seq);
        var (ids, targets) = RandomBatch(model.Config.VocabSize, batch * seq);
        return (Median(steps, () => pass.Forward(ids, targets)), batch * seq);
    }

    private static (double SecondsPerStep, int Tokens) TimeDecode(LlamaModel model, int promptLength, int tokens, int steps, WeightPrecision weights)
    {
        var generator = new LlamaGenerator(new InferenceSession(model, weights));
        var (prompt, _) = RandomBatch(model.Config.VocabSize, promptLength);
        var options = SamplingOptions.Greedy with { MaxNewTokens = tokens };
        return (Median(steps, () => generator.Generate([prompt], options)), tokens);
    }

    /// <summary>At least two steps and three seconds of warm-up: a training run is timed in its steady state.</summary>
    private static double Median(int steps, Action step) => BenchInfo.MedianSeconds(steps, step, warmUpCalls: 2, TimeSpan.FromSeconds(3));

    private static (int[] Ids, int[] Targets) RandomBatch(int vocab, int count)
    {
        var random = new Random(0);
        return (Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray(),
                Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray());
    }
}
