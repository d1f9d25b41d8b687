using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FineTune.ServiceDefaults.Health;

/// <summary>Healthy when a probe of a dependency (a ping, a listing) completes; its error is the description.</summary>
public sealed class DependencyHealthCheck(Func<CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await probe(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(e.Message, e);
        }
    }
}

public static class DependencyHealthCheckExtensions
{
    /// <summary>Adds a readiness check named <paramref name="name"/> that passes when <paramref name="probe"/> completes within 5 s.</summary>
    public static IServiceCollection AddDependencyHealthCheck(this IServiceCollection services, string name,
        Func<IServiceProvider, CancellationToken, Task> probe)
    {
        services.AddHealthChecks().Add(new HealthCheckRegistration(name,
            provider => new DependencyHealthCheck(ct => probe(provider, ct)),
            HealthStatus.Unhealthy, [HealthExtensions.Ready], TimeSpan.FromSeconds(5)));
        return services;
    }
}
