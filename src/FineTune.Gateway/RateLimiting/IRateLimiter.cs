using FineTune.Gateway.Auth;

namespace FineTune.Gateway.RateLimiting;

/// <summary>
/// Two token buckets per API key — requests per minute and tokens per minute — refilled continuously
/// (a full bucket is a minute's allowance, so bursts up to the limit pass). A request takes one
/// request and its estimated tokens, or nothing when either bucket is short.
/// </summary>
public interface IRateLimiter
{
    Task<RateLimitDecision> AcquireAsync(ApiKey key, int tokens, CancellationToken cancellationToken);
}

/// <param name="RetryAfter">When both buckets will hold enough again; zero when allowed.</param>
public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter, long RemainingRequests, long RemainingTokens);
