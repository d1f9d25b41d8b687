namespace FineTune.Gateway.RateLimiting;

/// <summary>
/// The bucket arithmetic, the same as the Lua in <see cref="RedisRateLimiter"/>: refill by elapsed
/// time at limit/60 000 per millisecond up to the limit, then take one request and the tokens or nothing.
/// </summary>
internal sealed class TokenBucket(int requestsPerMinute, int tokensPerMinute, long nowMs)
{
    private double _requests = requestsPerMinute;
    private double _tokens = tokensPerMinute;
    private long _atMs = nowMs;

    public RateLimitDecision Take(int cost, long nowMs)
    {
        var elapsed = Math.Max(0, nowMs - _atMs);
        _atMs = Math.Max(_atMs, nowMs);
        _requests = Math.Min(requestsPerMinute, _requests + elapsed * requestsPerMinute / 60_000.0);
        _tokens = Math.Min(tokensPerMinute, _tokens + elapsed * tokensPerMinute / 60_000.0);
        var waitMs = 0.0;
        if (_requests < 1) waitMs = Math.Max(waitMs, (1 - _requests) * 60_000.0 / requestsPerMinute);
        if (cost > _tokens) waitMs = Math.Max(waitMs, (cost - _tokens) * 60_000.0 / tokensPerMinute);
        var allowed = waitMs == 0;
        if (allowed) (_requests, _tokens) = (_requests - 1, _tokens - cost);
        return new RateLimitDecision(allowed, TimeSpan.FromMilliseconds(Math.Ceiling(waitMs)), (long)_requests, (long)_tokens);
    }
}
