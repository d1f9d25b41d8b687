using FineTune.Gateway.Auth;
using FineTune.Storage.Redis;
using Microsoft.Extensions.Options;

namespace FineTune.Gateway.RateLimiting;

/// <summary>
/// Buckets in Redis, shared by every gateway replica: one hash per key, refilled and taken from in
/// one Lua script, so concurrent gateways never both spend the last request. The script reads the
/// clock with Redis's TIME, so gateways with skewed clocks still agree. An idle key's hash expires
/// after two minutes (it would be full again by then anyway).
/// </summary>
public sealed class RedisRateLimiter(RedisClient redis, IOptions<GatewaySettings> options) : IRateLimiter
{
    // KEYS[1] the key's bucket; ARGV: requests per minute, tokens per minute, tokens this request takes.
    // Returns {allowed 1|0, milliseconds until it would be allowed, requests left, tokens left}.
    private const string Script = """
        local rpm, tpm, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'requests', 'tokens', 'at')
        local requests, tokens, at = tonumber(state[1]) or rpm, tonumber(state[2]) or tpm, tonumber(state[3]) or now
        local elapsed = math.max(0, now - at)
        requests = math.min(rpm, requests + elapsed * rpm / 60000)
        tokens = math.min(tpm, tokens + elapsed * tpm / 60000)
        local wait = 0
        if requests < 1 then wait = math.max(wait, (1 - requests) * 60000 / rpm) end
        if cost > tokens then wait = math.max(wait, (cost - tokens) * 60000 / tpm) end
        local allowed = 0
        if wait == 0 then
          requests, tokens, allowed = requests - 1, tokens - cost, 1
        end
        redis.call('HSET', KEYS[1], 'requests', tostring(requests), 'tokens', tostring(tokens), 'at', tostring(math.max(now, at)))
        redis.call('PEXPIRE', KEYS[1], 120000)
        return {allowed, math.ceil(wait), math.floor(requests), math.floor(tokens)}
        """;

    private readonly string _prefix = options.Value.RateLimits.RedisKeyPrefix;

    public async Task<RateLimitDecision> AcquireAsync(ApiKey key, int tokens, CancellationToken cancellationToken)
    {
        var reply = (await redis.EvaluateAsync(Script, [_prefix + key.HashPrefix],
            [key.RequestsPerMinute, key.TokensPerMinute, tokens], cancellationToken)).AsArray()!;
        return new RateLimitDecision(reply[0].AsInt64() == 1, TimeSpan.FromMilliseconds(reply[1].AsInt64()),
            reply[2].AsInt64(), reply[3].AsInt64());
    }
}
