using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FineTune.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ when <c>ConnectionStrings:messaging</c> is set, over the in-memory
    /// transport otherwise (the embedded default: the whole pipeline in one process). Either way every
    /// receive endpoint gets the same pipeline: delayed redelivery, then immediate retries with
    /// exponential backoff, then the <c>_error</c> queue; an in-memory outbox so messages a consumer
    /// publishes go out only if it succeeds; kebab-case endpoint names after the service's prefix
    /// (<see cref="MessagingSettings.EndpointPrefix"/>), so each service gets every event it consumes.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureConsumers = null)
    {
        if (ComposedMessaging.Collect(builder, configureConsumers)) return builder;
        return builder.AddBus(configureConsumers, composed: false);
    }

    /// <summary>
    /// The one bus of a process. Composed (several services' consumers on one bus), queues are named
    /// after each consumer's namespace instead of one service's prefix, so two services' consumers of
    /// one event (the registry's and evaluation's TrainingCompletedConsumer) keep separate queues.
    /// </summary>
    internal static IHostApplicationBuilder AddBus(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureConsumers, bool composed)
    {
        var settings = ReadSettings(builder.Configuration);
        var rabbitMq = RabbitMqAddress.FromConfiguration(builder.Configuration);

        builder.Services.AddSingleton(settings);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(composed
                ? new KebabCaseEndpointNameFormatter(includeNamespace: true)
                : new KebabCaseEndpointNameFormatter(settings.EndpointPrefix ?? MessagingSettings.PrefixFor(builder.Environment.ApplicationName), includeNamespace: false));
            configureConsumers?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.ConcurrentMessageLimit = settings.ConcurrentMessageLimit;
                if (rabbitMq is null || settings.RabbitMqDelayedExchange)
                    endpoint.UseDelayedRedelivery(r => r.Intervals(settings.RedeliveryIntervals));
                endpoint.UseMessageRetry(r => r.Exponential(settings.RetryLimit, settings.RetryMinInterval,
                    settings.RetryMaxInterval, settings.RetryMinInterval));
                endpoint.UseInMemoryOutbox(context);
            });

            if (rabbitMq is null)
            {
                bus.AddDelayedMessageScheduler();
                bus.UsingInMemory((context, transport) =>
                {
                    transport.UseDelayedMessageScheduler();
                    transport.ConfigureEndpoints(context);
                });
            }
            else
            {
                if (settings.RabbitMqDelayedExchange) bus.AddDelayedMessageScheduler();
                bus.UsingRabbitMq((context, transport) =>
                {
                    transport.Host(rabbitMq.Host, rabbitMq.Port, rabbitMq.VirtualHost, rabbitMq.ConnectionName(builder.Environment.ApplicationName), host =>
                    {
                        host.Username(rabbitMq.Username);
                        host.Password(rabbitMq.Password);
                        if (rabbitMq.UseTls) host.UseSsl(ssl => ssl.ServerName = rabbitMq.Host);
                    });
                    if (settings.RabbitMqDelayedExchange) transport.UseDelayedMessageScheduler();
                    transport.PrefetchCount = settings.ConcurrentMessageLimit;
                    transport.ConfigureEndpoints(context);
                });
            }
        });

        // A publish right after start must not race the bus: start blocks until the bus is up.
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }

    private static MessagingSettings ReadSettings(IConfiguration configuration)
    {
        var settings = configuration.ReadSettings<MessagingSettings>(MessagingSettings.Section);
        Require(settings.RetryLimit is >= 0 and <= 100, "RetryLimit", $"{settings.RetryLimit} is outside 0..100.");
        Require(settings.ConcurrentMessageLimit is >= 1 and <= 1024, "ConcurrentMessageLimit", $"{settings.ConcurrentMessageLimit} is outside 1..1024.");
        Require(settings.RetryMinInterval > TimeSpan.Zero && settings.RetryMinInterval <= settings.RetryMaxInterval,
            "RetryMinInterval", $"{settings.RetryMinInterval} must be positive and not above RetryMaxInterval ({settings.RetryMaxInterval}).");
        Require(settings.RedeliveryIntervals.All(i => i > TimeSpan.Zero), "RedeliveryIntervals", "every interval must be positive.");
        return settings;

        static void Require(bool condition, string name, string problem)
        {
            if (!condition) throw new InvalidSettingException($"{MessagingSettings.Section}:{name}", problem);
        }
    }
}
