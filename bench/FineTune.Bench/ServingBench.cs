using FineTune.Datasets;
using FineTune.Engine.Kernels;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Serving;

namespace FineTune.Bench;

/// <summary>
/// Continuous batching on the shipped base model with the support-ticket test prompts (or, with
/// <c>--model smollm2</c>, SmolLM2-135M's shape with random weights and synthetic prompts), greedy,
/// 32-token completions (<c>--new-tokens</c>), weights served as the inference service serves them
/// (int8; <c>--weights fp32</c> for float32). The reference in the same run is a <see cref="ContinuousBatcher"/> that runs
/// one sequence at a time, fed by 16 concurrent clients that each send their next request when the
/// previous one returns; the same clients against a batch of 16 give the aggregate tokens/s and the
/// ratio, and whether the replies are identical. A last pass with 8 clients against the batch of 16
/// gives p50/p95 latency and p95 time to first token (to the first onToken callback).
/// </summary>
internal static class ServingBench
{
    private const string Usage = "serving options: --model base|smollm2 (default base: the shipped model and support tickets; smollm2: SmolLM2-135M's shape, random weights, synthetic prompts), " +
        "--weights int8|fp32 (default int8, as the service), --new-tokens N (default 32), " +
        "--requests N (default 96 a pass with base, 16 with smollm2; the latency pass runs at least 64, base only), --quick (32 requests in the throughput passes, one warm-up round), " +
        "--stop-tokens (stop at end of text / end of turn as the service does, so replies may be shorter; base only), " +
        "--prompt-tokens N (base: keep only each prompt's first N tokens; smollm2: every prompt is N tokens, default 16)";

    private const int DefaultNewTokens = 32;
    private const int SyntheticPromptTokens = 16;
    private const int SyntheticPrompts = 64;
    /// <summary>Tokens a warm-up request writes: enough to run decode steps at the pass's batch size, few enough that a large model warms up in seconds.</summary>
    private const int WarmUpNewTokens = 8;
    private const int ThroughputClients = 16;
    private const int LatencyClients = 8;
    private const int Batch = 16;
    private const int StepTokenBudget = 256;
    private const int BlockSize = 16;
    private const int MinLatencyRequests = 64;

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var stopTokens = args.Contains("--stop-tokens");
        RunSettings run;
        try
        {
            var options = BenchOptions.Parse([.. args.Except(["--quick", "--stop-tokens"])]);
            var synthetic = options.String("model", "base") switch
            {
                "base" => false,
                "smollm2" => true,
                var other => throw new ArgumentException($"--model must be base or smollm2, got '{other}'."),
            };
            var weights = options.Weights(WeightPrecision.Int8);
            if (synthetic && stopTokens) throw new ArgumentException("--stop-tokens needs the shipped model's tokenizer; it does not go with --model smollm2.");
            run = new RunSettings(synthetic, weights, options.Int("new-tokens", DefaultNewTokens), options.Int("requests", synthetic ? 16 : quick ? 32 : 96),
                options.Int("prompt-tokens", synthetic ? SyntheticPromptTokens : int.MaxValue), quick, stopTokens);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{e.Message}\n{Usage}");
            return 2;
        }
        return RunAsync(run).GetAwaiter().GetResult();
    }

    /// <param name="Synthetic">SmolLM2-135M's shape with random weights and synthetic prompts, rather than the shipped model and support tickets.</param>
    private sealed record RunSettings(bool Synthetic, WeightPrecision Weights, int NewTokens, int Requests, int PromptTokens, bool Quick, bool StopTokens);

    private static async Task<int> RunAsync(RunSettings run)
    {
        var (requests, newTokens) = (run.Requests, run.NewTokens);
        Console.WriteLine($"{BenchInfo.Machine}; {EngineThreads.Count} engine threads; load average {BenchInfo.LoadAverage()}");
        var (model, prompts, stops, description) = run.Synthetic ? Synthetic(run.PromptTokens) : Shipped(run.PromptTokens, run.StopTokens);
        var sampling = SamplingOptions.Greedy with { MaxNewTokens = newTokens, StopTokenIds = stops };
        var warmUpSampling = sampling with { MaxNewTokens = Math.Min(newTokens, WarmUpNewTokens) };
        var longest = prompts.Max(p => p.Length);
        Console.WriteLine($"{description} ({model.ParameterCount:N0} parameters), {run.Weights} weights; {prompts.Count} prompts, {prompts.Average(p => p.Length):F1} tokens on average, longest {longest}; " +
            $"greedy, {newTokens} new tokens, {(run.StopTokens ? "stopping at end of text / end of turn" : "no stop tokens (every reply is the full length)")}");
        var warmUp = run.Quick || run.Synthetic ? TimeSpan.Zero : TimeSpan.FromSeconds(2);

        // one session for both passes: the same weights (the int8 copies quantized once), so the replies can be compared
        var session = new InferenceSession(model, run.Weights);
        Pass reference, batched;
        Pass? latency = null;
        await using (var oneAtATime = new ContinuousBatcher(session, Settings(1, ThroughputClients, longest, newTokens)))
            reference = await ServingLoad.MeasureAsync(_ => (oneAtATime, null), "one at a time (reference)", prompts, sampling, warmUpSampling, ThroughputClients, requests, warmUp);
        await using (var batching = new ContinuousBatcher(session, Settings(Batch, ThroughputClients, longest, newTokens)))
        {
            batched = await ServingLoad.MeasureAsync(_ => (batching, null), $"continuous batching, batch {Batch}", prompts, sampling, warmUpSampling, ThroughputClients, requests, warmUp);
            // the issue's latency targets are for the shipped model; on the large one this pass alone would take minutes
            if (!run.Synthetic)
                latency = await ServingLoad.MeasureAsync(_ => (batching, null), $"latency: continuous batching, batch {Batch}", prompts, sampling, warmUpSampling, LatencyClients,
                    Math.Max(requests, MinLatencyRequests), TimeSpan.Zero);
        }

        var identical = batched.IdenticalTo(reference);
        var speedUp = batched.TokensPerSecond / reference.TokensPerSecond;
        Console.WriteLine();
        Console.WriteLine($"| pass | clients | max running | requests | completion tokens | seconds | tokens/s | × reference | prompt + completion tokens/s | p50 latency ms | p95 latency ms | p50 first token ms | p95 first token ms | p50 ms between tokens |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (pass, running) in new[] { (reference, 1), (batched, Batch), (latency, Batch) }.Where(p => p.Item1 is not null).Select(p => (p.Item1!, p.Item2)))
            Console.WriteLine($"| {pass.Name} | {pass.Clients} | {running} | {pass.Requests.Count} | {pass.CompletionTokens:N0} | {pass.Seconds:F1} | {pass.TokensPerSecond:N0} | " +
                $"{pass.TokensPerSecond / reference.TokensPerSecond:F2}× | {(pass.PromptTokens + pass.CompletionTokens) / pass.Seconds:N0} | {Ms(pass.Latency(0.50))} | {Ms(pass.Latency(0.95))} | {Ms(pass.FirstToken(0.50))} | {Ms(pass.FirstToken(0.95))} | {pass.BetweenTokens(0.50).TotalMilliseconds:F1} |");
        Console.WriteLine();
        Console.WriteLine($"replies identical to one at a time: {identical} of {requests}");
        Console.WriteLine($"aggregate tokens/s at {ThroughputClients} clients, batch {Batch} vs one at a time: {speedUp:F2}× (issue: at least 6×) {Verdict(speedUp >= 6)}");
        if (latency is not null)
            Console.WriteLine($"{LatencyClients} clients, {latency.Requests.Count} requests: p95 latency {Ms(latency.Latency(0.95))} ms (issue: under 2,000) {Verdict(latency.Latency(0.95) < TimeSpan.FromSeconds(2))}; " +
                $"p95 time to first token {Ms(latency.FirstToken(0.95))} ms (issue: under 300) {Verdict(latency.FirstToken(0.95) < TimeSpan.FromMilliseconds(300))}");
        Console.WriteLine($"load average after: {BenchInfo.LoadAverage()}");
        return 0;
    }

    /// <summary>
    /// Enough cache blocks that admission never waits on them (only on the running limit), and a queue
    /// as long as the clients, who have one request out each, so nothing is refused.
    /// </summary>
    internal static SchedulerSettings Settings(int maxRunning, int clients, int longestPrompt, int newTokens) =>
        new(maxRunning, StepTokenBudget, BlockSize, maxRunning * ((longestPrompt + newTokens + BlockSize - 1) / BlockSize), MaxWaitingSequences: clients);

    /// <summary>The shipped model and the support-ticket test prompts, each cut to its first <paramref name="promptTokens"/>.</summary>
    internal static (LlamaModel Model, List<int[]> Prompts, List<int> Stops, string Description) Shipped(int promptTokens, bool stopTokens)
    {
        var root = BenchInfo.RepositoryRoot();
        var modelFolder = Path.Combine(root, "models", "finetune-base");
        var text = ModelText.Load(modelFolder);
        var prompts = TaskRecord.ReadFile(Path.Combine(root, "samples", "tasks", "support_tickets", "test.jsonl"))
            .Cast<ChatRecord>().Select(r => text.ChatPrompt(r.Prompt)).Select(p => p.Length > promptTokens ? p[..promptTokens] : p).ToList();
        // the service stops at these; without them every reply runs the full length, so tokens/s counts the same work in every pass
        var stops = new List<int>();
        if (stopTokens)
        {
            stops.Add(text.EndOfTextId);
            if (text.EndOfTurnId is { } endOfTurn) stops.Add(endOfTurn);
        }
        return (LlamaCheckpoints.Load(modelFolder), prompts, stops, "finetune-base, support_tickets test prompts");
    }

    /// <summary>SmolLM2-135M's shape with seeded random weights, and seeded random prompts of <paramref name="promptTokens"/> tokens.</summary>
    private static (LlamaModel Model, List<int[]> Prompts, List<int> Stops, string Description) Synthetic(int promptTokens)
    {
        var config = ModelBench.SmolLM2;
        if (promptTokens >= config.MaxPositionEmbeddings)
            throw new ArgumentException($"--prompt-tokens {promptTokens} leaves no room in SmolLM2's context of {config.MaxPositionEmbeddings}.");
        var random = new Random(11);
        var prompts = Enumerable.Range(0, SyntheticPrompts).Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(config.VocabSize)).ToArray()).ToList();
        return (LlamaModel.CreateRandom(config, seed: 0), prompts, [], "SmolLM2-135M shape, random weights, synthetic prompts");
    }

    private static string Ms(TimeSpan time) => ServingLoad.Ms(time);

    private static string Verdict(bool met) => met ? "— met" : "— NOT met";
}
