using FineTune.ServiceDefaults.Health;
using FineTune.Storage.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FineTune.ServiceDefaults.Storage;

public static class CacheExtensions
{
    public const string ConnectionStringName = "cache";

    /// <summary>
    /// Registers one shared <see cref="RedisClient"/> (it pipelines many callers over one connection)
    /// and a readiness check, when <c>ConnectionStrings:cache</c> is set. Returns false when no cache
    /// is configured, so a service can run without one.
    /// </summary>
    public static bool AddRedisCache(this IHostApplicationBuilder builder)
    {
        var value = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (builder.Services.Any(d => d.ServiceType == typeof(RedisClient))) return true; // composed: one client for all
        RedisConnectionString options;
        try { options = RedisConnectionString.Parse(value); }
        catch (ArgumentException e) { throw new InvalidSettingException($"ConnectionStrings:{ConnectionStringName}", e.Message); }

        builder.Services.AddSingleton(_ => new RedisClient(options));
        builder.Services.AddDependencyHealthCheck(ConnectionStringName,
            (services, ct) => services.GetRequiredService<RedisClient>().PingAsync(ct));
        return true;
    }
}
