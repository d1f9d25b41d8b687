using System.Collections.Concurrent;
using FineTune.Gateway.Auth;

namespace FineTune.Gateway.RateLimiting;

/// <summary>
/// Buckets in this process only: what a gateway uses when no Redis (<c>ConnectionStrings:cache</c>)
/// is configured. Each gateway replica then enforces the full limit on its own.
/// </summary>
public sealed class LocalRateLimiter(TimeProvider clock) : IRateLimiter
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public Task<RateLimitDecision> AcquireAsync(ApiKey key, int tokens, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var bucket = _buckets.GetOrAdd(key.HashPrefix, _ => new TokenBucket(key.RequestsPerMinute, key.TokensPerMinute, now));
        lock (bucket) return Task.FromResult(bucket.Take(tokens, now));
    }
}
