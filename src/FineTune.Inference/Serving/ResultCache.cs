using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FineTune.Storage.Redis;

namespace FineTune.Inference.Serving;

/// <summary>
/// Answers to deterministic requests (temperature 0, or a fixed seed) kept in Redis. The key holds the
/// resolved model version (<c>support-bot:3</c>), so after a promotion or rollback a name's old answers
/// are simply never asked for again, and they expire. Without a configured cache, or when Redis fails,
/// every request is a miss: the cache never fails a request.
/// </summary>
public sealed class ResultCache(IServiceProvider services, InferenceMetrics metrics, ILogger<ResultCache> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(6);
    private readonly RedisClient? _redis = services.GetService<RedisClient>();

    public bool Enabled => _redis is not null;

    /// <summary>The key of a request, or null when its answer is not determined by it (sampling without a seed).</summary>
    public static string? KeyFor(string modelVersion, string endpoint, int[] promptIds, int maxTokens, float temperature, float topP,
        IReadOnlyList<string> stops, long? seed, int n)
    {
        if (temperature != 0 && seed is null) return null;
        var normalized = JsonSerializer.Serialize(new { modelVersion, endpoint, promptIds, maxTokens, temperature, topP, stops, seed, n });
        return "finetune:inference:answer:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    public async Task<byte[]?> GetAsync(string? key, CancellationToken cancellationToken)
    {
        if (key is null || _redis is null) return null;
        try
        {
            var found = await _redis.GetAsync(key, cancellationToken);
            metrics.CacheLookup(found is not null);
            return found;
        }
        catch (Exception e) when (e is RedisException or IOException)
        {
            logger.LogWarning(e, "The result cache could not be read; answering without it");
            return null;
        }
    }

    public async Task SetAsync(string? key, byte[] answer, CancellationToken cancellationToken)
    {
        if (key is null || _redis is null) return;
        try { await _redis.SetAsync(key, answer, Lifetime, cancellationToken: cancellationToken); }
        catch (Exception e) when (e is RedisException or IOException) { logger.LogWarning(e, "The result cache could not be written"); }
    }
}
