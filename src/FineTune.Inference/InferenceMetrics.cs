using System.Diagnostics.Metrics;

namespace FineTune.Inference;

/// <summary>The service's meters (<c>FineTune.Inference</c>): requests, tokens, latency, time to first token, result-cache hits and misses (the hit ratio is hits over lookups), answers flagged unsafe, and versions unloaded.</summary>
public sealed class InferenceMetrics : IDisposable
{
    public const string MeterName = "FineTune.Inference";
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _tokens;
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _firstToken;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _flagged;
    private long _hits, _lookups;

    public InferenceMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _requests = _meter.CreateCounter<long>("finetune.inference.requests", description: "Completion requests answered");
        _tokens = _meter.CreateCounter<long>("finetune.inference.completion_tokens", "{token}", "Tokens generated");
        _latency = _meter.CreateHistogram<double>("finetune.inference.latency", "ms", "Time to the whole answer");
        _firstToken = _meter.CreateHistogram<double>("finetune.inference.time_to_first_token", "ms", "Time to the first streamed token");
        _cacheHits = _meter.CreateCounter<long>("finetune.inference.cache_hits", description: "Answers served from the result cache");
        _cacheMisses = _meter.CreateCounter<long>("finetune.inference.cache_misses", description: "Deterministic requests the cache did not have");
        _flagged = _meter.CreateCounter<long>("finetune.inference.safety_flagged", description: "Answers the safety screen flagged as unsafe");
        _evictions = _meter.CreateCounter<long>("finetune.inference.versions_unloaded", description: "Adapters and model versions unloaded to stay within the memory budget, or on request");
        _meter.CreateObservableGauge("finetune.inference.cache_hit_ratio", () => _lookups == 0 ? 0 : (double)_hits / _lookups, description: "Result-cache hits over lookups");
    }

    public double CacheHitRatio => _lookups == 0 ? 0 : (double)Interlocked.Read(ref _hits) / Interlocked.Read(ref _lookups);

    public void Answered(string model, int completionTokens, TimeSpan latency, TimeSpan? firstToken, bool flagged)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        if (flagged) _flagged.Add(1, tag);
        _requests.Add(1, tag);
        _tokens.Add(completionTokens, tag);
        _latency.Record(latency.TotalMilliseconds, tag);
        if (firstToken is { } ttft) _firstToken.Record(ttft.TotalMilliseconds, tag);
    }

    public void CacheLookup(bool hit)
    {
        Interlocked.Increment(ref _lookups);
        if (hit) { Interlocked.Increment(ref _hits); _cacheHits.Add(1); }
        else _cacheMisses.Add(1);
    }

    public void VersionEvicted(string version) => _evictions.Add(1, new KeyValuePair<string, object?>("model", version));

    public void Dispose() => _meter.Dispose();
}
