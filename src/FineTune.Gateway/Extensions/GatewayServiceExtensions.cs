using FineTune.Gateway.Auth;
using FineTune.Gateway.Balancing;
using FineTune.Gateway.Forwarding;
using FineTune.Gateway.Proxying;
using FineTune.Gateway.RateLimiting;
using FineTune.Gateway.Routing;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Storage;

namespace FineTune.Gateway.Extensions;

public static class GatewayServiceExtensions
{
    /// <summary>
    /// The gateway's registrations: routes, clusters and keys read and validated now (a bad setting
    /// stops start-up naming it), the forwarder, active health probes, and rate limits in Redis when
    /// <c>ConnectionStrings:cache</c> is set, else in this process.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.ReadSettings<GatewaySettings>(GatewaySettings.Section);
        if (settings.Health.ProbeIntervalSeconds <= 0)
            throw new InvalidSettingException($"{GatewaySettings.Section}:Health:ProbeIntervalSeconds", $"{settings.Health.ProbeIntervalSeconds} must be positive.");
        if (settings.Health.EjectAfterFailures < 1)
            throw new InvalidSettingException($"{GatewaySettings.Section}:Health:EjectAfterFailures", $"{settings.Health.EjectAfterFailures} must be at least 1.");
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        builder.Services.AddSingleton(RouteTable.FromSettings(settings));
        builder.Services.AddSingleton(ClusterRegistry.FromConfiguration(builder.Configuration, settings));
        builder.Services.AddSingleton(ApiKeyStore.FromSettings(settings));
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<IForwarder, HttpForwarder>();
        builder.Services.AddSingleton<HealthProber>();
        builder.Services.AddHostedService(services => services.GetRequiredService<HealthProber>());
        if (builder.AddRedisCache()) builder.Services.AddSingleton<IRateLimiter, RedisRateLimiter>();
        else builder.Services.AddSingleton<IRateLimiter>(new LocalRateLimiter(TimeProvider.System));
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<GatewayProxy>();
        return builder;
    }
}
