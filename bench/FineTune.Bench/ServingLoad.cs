using System.Diagnostics;
using FineTune.Models.Adapters;
using FineTune.Models.Generation;
using FineTune.Models.Serving;

namespace FineTune.Bench;

/// <summary>Where request <c>i</c> goes: the batcher that serves it and the adapter it asks for (null: the model itself).</summary>
internal delegate (ContinuousBatcher Batcher, ServingAdapter? Adapter) RequestRoute(int request);

/// <summary>
/// Closed-loop load on continuous batchers, shared by the serving benchmarks: clients that each send
/// their next request when the previous returns, with every request's latency, time to first token,
/// time between tokens and tokens kept, so passes can be compared reply by reply.
/// </summary>
internal static class ServingLoad
{
    /// <summary>
    /// <paramref name="requests"/> prompts (in order, wrapping) sent by <paramref name="clients"/>
    /// loops; first the same clients send rounds of one short request (<paramref name="warmUpSampling"/>)
    /// each until <paramref name="warmUp"/> has passed (at least one round, so the JIT and the step's
    /// buffers are warm at this batch size).
    /// </summary>
    public static async Task<Pass> MeasureAsync(RequestRoute route, string name, IReadOnlyList<int[]> prompts, SamplingOptions sampling, SamplingOptions warmUpSampling,
        int clients, int requests, TimeSpan warmUp)
    {
        var warming = Stopwatch.StartNew();
        do await SendAsync(route, prompts, warmUpSampling, clients, clients);
        while (warming.Elapsed < warmUp);
        var clock = Stopwatch.StartNew();
        var timings = await SendAsync(route, prompts, sampling, clients, requests);
        return new Pass(name, clients, clock.Elapsed.TotalSeconds, timings);
    }

    private static async Task<RequestTiming[]> SendAsync(RequestRoute route, IReadOnlyList<int[]> prompts, SamplingOptions sampling, int clients, int requests)
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
                var (batcher, adapter) = route(i);
                var result = await batcher.SubmitAsync(prompts[i % prompts.Count], sampling, adapter: adapter, onToken: _ =>
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

    public static string Ms(TimeSpan time) => $"{time.TotalMilliseconds:N0}";
}

/// <param name="BetweenTokens">Mean time between this request's tokens after the first: the step time it decoded at.</param>
internal sealed record RequestTiming(int PromptTokens, TimeSpan Latency, TimeSpan FirstToken, TimeSpan BetweenTokens, IReadOnlyList<int> Tokens);

/// <summary>One pass of a serving benchmark: its requests' timings over its wall time.</summary>
internal sealed record Pass(string Name, int Clients, double Seconds, IReadOnlyList<RequestTiming> Requests)
{
    public int CompletionTokens => Requests.Sum(r => r.Tokens.Count);

    public int PromptTokens => Requests.Sum(r => r.PromptTokens);

    public double TokensPerSecond => CompletionTokens / Seconds;

    public TimeSpan Latency(double quantile) => Percentile(Requests.Select(r => r.Latency), quantile);

    public TimeSpan FirstToken(double quantile) => Percentile(Requests.Select(r => r.FirstToken), quantile);

    public TimeSpan BetweenTokens(double quantile) => Percentile(Requests.Select(r => r.BetweenTokens), quantile);

    /// <summary>Requests whose tokens equal the same request's in <paramref name="other"/>.</summary>
    public int IdenticalTo(Pass other) => Requests.Zip(other.Requests).Count(p => p.First.Tokens.SequenceEqual(p.Second.Tokens));

    // nearest rank: the smallest time at or below which the given share of requests fall
    private static TimeSpan Percentile(IEnumerable<TimeSpan> times, double quantile)
    {
        var sorted = times.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
