using System.Diagnostics;
using FineTune.Datasets;
using FineTune.Engine.Kernels;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Serving;

namespace FineTune.Bench;

/// <summary>
/// Continuous batching on the shipped base model with the support-ticket test prompts, greedy,
/// 32-token completions. The reference in the same run is a <see cref="ContinuousBatcher"/> that runs
/// one sequence at a time, fed by 16 concurrent clients that each send their next request when the
/// previous one returns; the same clients against a batch of 16 give the aggregate tokens/s and the
/// ratio, and whether the replies are identical. A last pass with 8 clients against the batch of 16
/// gives p50/p95 latency and p95 time to first token (to the first onToken callback).
/// </summary>
internal static class ServingBench
{
    private const string Usage = "serving options: --requests N (default 96 a pass; the latency pass runs at least 64), --quick (32 requests in the throughput passes, one warm-up round), " +
        "--stop-tokens (stop at end of text / end of turn as the service does, so replies may be shorter than 32 tokens), " +
        "--prompt-tokens N (keep only each prompt's first N tokens, to see the ratio when prefill is small)";

    private const int MaxNewTokens = 32;
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
        int requests, promptTokens;
        try
        {
            var options = BenchOptions.Parse([.. args.Except(["--quick", "--stop-tokens"])]);
            (requests, promptTokens) = (options.Int("requests", quick ? 32 : 96), options.Int("prompt-tokens", int.MaxValue));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{e.Message}\n{Usage}");
            return 2;
        }
        return RunAsync(requests, promptTokens, quick, stopTokens).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int requests, int promptTokens, bool quick, bool stopTokens)
    {
        var root = BenchInfo.RepositoryRoot();
        Console.WriteLine($"{BenchInfo.Machine}; {EngineThreads.Count} engine threads; load average {BenchInfo.LoadAverage()}");
        var modelFolder = Path.Combine(root, "models", "finetune-base");
        var model = LlamaCheckpoints.Load(modelFolder);
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
        var sampling = SamplingOptions.Greedy with { MaxNewTokens = MaxNewTokens, StopTokenIds = stops };
        var longest = prompts.Max(p => p.Length);
        Console.WriteLine($"finetune-base ({model.ParameterCount:N0} parameters); {prompts.Count} support_tickets test prompts, {prompts.Average(p => p.Length):F1} tokens on average, longest {longest}; " +
            $"greedy, {MaxNewTokens} new tokens, {(stopTokens ? "stopping at end of text / end of turn" : "no stop tokens (every reply is the full length)")}");
        var warmUp = quick ? TimeSpan.Zero : TimeSpan.FromSeconds(2);

        Pass reference, batched, latency;
        await using (var oneAtATime = new ContinuousBatcher(new InferenceSession(model), Settings(1, ThroughputClients, longest)))
            reference = await MeasureAsync(oneAtATime, "one at a time (reference)", prompts, sampling, ThroughputClients, requests, warmUp);
        await using (var batching = new ContinuousBatcher(new InferenceSession(model), Settings(Batch, ThroughputClients, longest)))
        {
            batched = await MeasureAsync(batching, $"continuous batching, batch {Batch}", prompts, sampling, ThroughputClients, requests, warmUp);
            latency = await MeasureAsync(batching, $"latency: continuous batching, batch {Batch}", prompts, sampling, LatencyClients, Math.Max(requests, MinLatencyRequests), TimeSpan.Zero);
        }

        var identical = Enumerable.Range(0, requests).Count(i => reference.Requests[i].Tokens.SequenceEqual(batched.Requests[i].Tokens));
        var speedUp = batched.TokensPerSecond / reference.TokensPerSecond;
        Console.WriteLine();
        Console.WriteLine($"| pass | clients | max running | requests | completion tokens | seconds | tokens/s | × reference | prompt + completion tokens/s | p50 latency ms | p95 latency ms | p50 first token ms | p95 first token ms | p50 ms between tokens |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (pass, running) in new[] { (reference, 1), (batched, Batch), (latency, Batch) })
            Console.WriteLine($"| {pass.Name} | {pass.Clients} | {running} | {pass.Requests.Count} | {pass.CompletionTokens:N0} | {pass.Seconds:F1} | {pass.TokensPerSecond:N0} | " +
                $"{pass.TokensPerSecond / reference.TokensPerSecond:F2}× | {(pass.PromptTokens + pass.CompletionTokens) / pass.Seconds:N0} | {Ms(pass.Latency(0.50))} | {Ms(pass.Latency(0.95))} | {Ms(pass.FirstToken(0.50))} | {Ms(pass.FirstToken(0.95))} | {pass.BetweenTokens(0.50).TotalMilliseconds:F1} |");
        Console.WriteLine();
        Console.WriteLine($"replies identical to one at a time: {identical} of {requests}");
        Console.WriteLine($"aggregate tokens/s at {ThroughputClients} clients, batch {Batch} vs one at a time: {speedUp:F2}× (issue: at least 6×) {Verdict(speedUp >= 6)}");
        Console.WriteLine($"{LatencyClients} clients, {latency.Requests.Count} requests: p95 latency {Ms(latency.Latency(0.95))} ms (issue: under 2,000) {Verdict(latency.Latency(0.95) < TimeSpan.FromSeconds(2))}; " +
            $"p95 time to first token {Ms(latency.FirstToken(0.95))} ms (issue: under 300) {Verdict(latency.FirstToken(0.95) < TimeSpan.FromMilliseconds(300))}");
        Console.WriteLine($"load average after: {BenchInfo.LoadAverage()}");
        return 0;
    }

    /// <summary>
    /// Enough cache blocks that admission never waits on them (only on the running limit), and a queue
    /// as long as the clients, who have one request out each, so nothing is refused.
    /// </summary>
    private static SchedulerSettings Settings(int maxRunning, int clients, int longestPrompt) =>
        new(maxRunning, StepTokenBudget, BlockSize, maxRunning * ((longestPrompt + MaxNewTokens + BlockSize - 1) / BlockSize), MaxWaitingSequences: clients);

    /// <summary>
    /// <paramref name="requests"/> prompts (in file order, wrapping) sent by <paramref name="clients"/>
    /// loops, each sending its next request when the previous returns; first the same clients send
    /// rounds of one request each until <paramref name="warmUp"/> has passed (at least one round, so
    /// the JIT and the step's buffers are warm at this batch size).
    /// </summary>
    private static async Task<Pass> MeasureAsync(ContinuousBatcher batcher, string name, IReadOnlyList<int[]> prompts, SamplingOptions sampling, int clients, int requests, TimeSpan warmUp)
    {
        var warming = Stopwatch.StartNew();
        do await SendAsync(batcher, prompts, sampling, clients, clients);
        while (warming.Elapsed < warmUp);
        var clock = Stopwatch.StartNew();
        var timings = await SendAsync(batcher, prompts, sampling, clients, requests);
        return new Pass(name, clients, clock.Elapsed.TotalSeconds, timings);
    }

    private static async Task<RequestTiming[]> SendAsync(ContinuousBatcher batcher, IReadOnlyList<int[]> prompts, SamplingOptions sampling, int clients, int requests)
    {
        var timings = new RequestTiming[requests];
        var next = -1;
        async Task Client()
        {
            for (int i; (i = Interlocked.Increment(ref next)) < requests;)
            {
                var clock = Stopwatch.StartNew();
                TimeSpan? firstToken = null;
                var lastToken = TimeSpan.Zero;
                var result = await batcher.SubmitAsync(prompts[i % prompts.Count], sampling, onToken: _ =>
                {
                    lastToken = clock.Elapsed;
                    firstToken ??= lastToken;
                });
                var first = firstToken ?? clock.Elapsed;
                timings[i] = new RequestTiming(result.PromptTokenCount, clock.Elapsed, first, (lastToken - first) / Math.Max(1, result.TokenIds.Count - 1), result.TokenIds);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client)));
        return timings;
    }

    /// <param name="BetweenTokens">Mean time between this request's tokens after the first: the step time it decoded at.</param>
    private sealed record RequestTiming(int PromptTokens, TimeSpan Latency, TimeSpan FirstToken, TimeSpan BetweenTokens, IReadOnlyList<int> Tokens);

    private sealed record Pass(string Name, int Clients, double Seconds, IReadOnlyList<RequestTiming> Requests)
    {
        public int CompletionTokens => Requests.Sum(r => r.Tokens.Count);

        public int PromptTokens => Requests.Sum(r => r.PromptTokens);

        public double TokensPerSecond => CompletionTokens / Seconds;

        public TimeSpan Latency(double quantile) => Percentile(Requests.Select(r => r.Latency), quantile);

        public TimeSpan FirstToken(double quantile) => Percentile(Requests.Select(r => r.FirstToken), quantile);

        public TimeSpan BetweenTokens(double quantile) => Percentile(Requests.Select(r => r.BetweenTokens), quantile);

        // nearest rank: the smallest time at or below which the given share of requests fall
        private static TimeSpan Percentile(IEnumerable<TimeSpan> times, double quantile)
        {
            var sorted = times.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    private static string Ms(TimeSpan time) => $"{time.TotalMilliseconds:N0}";

    private static string Verdict(bool met) => met ? "— met" : "— NOT met";
}
