using FineTune.Engine.Kernels;
using FineTune.Models.Adapters;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Serving;

namespace FineTune.Bench;

/// <summary>
/// Many LoRA adapters on one base (the inference service's way: one base, one batch, each row its
/// own adapter delta) against the two alternatives, in one run on the shipped model and the
/// support-ticket prompts: the base alone in the same batch (the adapters' cost), and one merged
/// model per adapter with a batcher each (what serving without the gather costs in memory and speed).
/// 16 clients, greedy, request i asks for adapter i mod N.
/// </summary>
internal static class AdapterServingBench
{
    private const string Usage = "adapters options: --adapters N (default 4), --rank R (default 16, on all seven projections), --weights int8|fp32 (default int8), " +
        "--requests N (default 96), --new-tokens N (default 32)";

    private const int Clients = 16;
    private const int Batch = 16;

    public static int Run(string[] args)
    {
        int adapters, rank, requests, newTokens;
        WeightPrecision weights;
        try
        {
            var options = BenchOptions.Parse(args);
            (adapters, rank, requests, newTokens) = (options.Int("adapters", 4), options.Int("rank", 16), options.Int("requests", 96), options.Int("new-tokens", 32));
            weights = options.Weights(WeightPrecision.Int8);
            if (adapters < 1 || rank < 1) throw new ArgumentException("--adapters and --rank must be at least 1.");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{e.Message}\n{Usage}");
            return 2;
        }
        return RunAsync(adapters, rank, requests, newTokens, weights).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int rank, int requests, int newTokens, WeightPrecision weights)
    {
        Console.WriteLine($"{BenchInfo.Machine}; {EngineThreads.Count} engine threads; load average {BenchInfo.LoadAverage()}");
        var (model, prompts, _, description) = ServingBench.Shipped(int.MaxValue, stopTokens: false);
        var config = new LoraAdapterConfig { Rank = rank, Alpha = 2 * rank, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] };
        var parameters = Enumerable.Range(0, count).Select(i => RandomAdapter(model, config, seed: i + 1)).ToList();
        var served = parameters.Select((p, i) => new ServingAdapter($"adapter-{i}", model, p)).ToList();
        Console.WriteLine($"{description} ({model.ParameterCount:N0} parameters), {weights} weights; {count} LoRA adapters of rank {rank} on all seven projections; " +
            $"{Clients} clients, {requests} requests, greedy, {newTokens} new tokens, request i asks for adapter i mod {count}");

        var sampling = SamplingOptions.Greedy with { MaxNewTokens = newTokens };
        var warmUp = sampling with { MaxNewTokens = 8 };
        var settings = ServingBench.Settings(Batch, Clients, prompts.Max(p => p.Length), newTokens);
        var session = new InferenceSession(model, weights);
        Pass baseOnly, gathered, merged;
        await using (var shared = new ContinuousBatcher(session, settings))
        {
            baseOnly = await ServingLoad.MeasureAsync(_ => (shared, null), "base only, one batch", prompts, sampling, warmUp, Clients, requests, TimeSpan.FromSeconds(2));
            gathered = await ServingLoad.MeasureAsync(i => (shared, served[i % count]), $"{count} adapters on the base, one batch", prompts, sampling, warmUp, Clients, requests, TimeSpan.FromSeconds(2));
        }
        var mergedSessions = parameters.Select(p => new InferenceSession(AdapterMerge.Merge(model, p), weights)).ToList();
        var batchers = mergedSessions.Select(s => new ContinuousBatcher(s, settings)).ToList();
        try { merged = await ServingLoad.MeasureAsync(i => (batchers[i % count], null), $"{count} merged models, a batcher each", prompts, sampling, warmUp, Clients, requests, TimeSpan.FromSeconds(2)); }
        finally { foreach (var batcher in batchers) await batcher.DisposeAsync(); }

        long modelBytes = model.Parameters.Length * 4L + session.ProjectionBytes;
        long sharedBytes = modelBytes + served.Sum(a => a.Bytes), mergedBytes = count * modelBytes;
        Console.WriteLine();
        Console.WriteLine("| pass | tokens/s | × base only | p50 latency ms | p95 latency ms | p50 ms between tokens | weight bytes |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (pass, bytes) in new[] { (baseOnly, modelBytes), (gathered, sharedBytes), (merged, mergedBytes) })
            Console.WriteLine($"| {pass.Name} | {pass.TokensPerSecond:N0} | {pass.TokensPerSecond / baseOnly.TokensPerSecond:F2}× | {ServingLoad.Ms(pass.Latency(0.50))} | " +
                $"{ServingLoad.Ms(pass.Latency(0.95))} | {pass.BetweenTokens(0.50).TotalMilliseconds:F1} | {bytes / 1e6:N1} MB |");
        Console.WriteLine();
        Console.WriteLine($"adapters on one base vs merged models: {gathered.TokensPerSecond / merged.TokensPerSecond:F2}× tokens/s in {(double)sharedBytes / mergedBytes:P0} of the weight memory; " +
            $"replies identical to the merged models': {gathered.IdenticalTo(merged)} of {requests}");
        Console.WriteLine($"load average after: {BenchInfo.LoadAverage()}");
        return 0;
    }

    // A at its Kaiming start, B drawn small: an adapter that changes answers without wrecking the model
    private static AdapterParameters RandomAdapter(LlamaModel model, LoraAdapterConfig config, int seed)
    {
        var parameters = new AdapterParameters(LoraAdapter.CreateFor(model, config, seed), model.Config);
        var random = new Random(seed);
        foreach (var m in parameters.Modules)
            foreach (ref var b in parameters.B(m, parameters.Values)) b = (float)(random.NextDouble() - 0.5) * 0.02f;
        return parameters;
    }
}
