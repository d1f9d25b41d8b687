using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Messaging;
using FineTune.ServiceDefaults.Storage;
using MassTransit;

namespace FineTune.Monitoring.Extensions;

public static class MonitoringServiceExtensions
{
    /// <summary>
    /// The monitoring service's registrations: storage, every consumer in this assembly (the pipeline's
    /// events and the inference records), the pipeline view, and drift, SLOs and alerts.
    /// </summary>
    public static IHostApplicationBuilder AddMonitoringServices(this IHostApplicationBuilder builder)
    {
        builder.AddArtifactStore();
        builder.AddMessaging(bus => bus.AddConsumers(typeof(MonitoringServiceExtensions).Assembly));
        builder.AddPipelineView();
        builder.AddAnalysis();
        builder.Services.ConfigureHttpJsonOptions(options => ServiceJson.Configure(options.SerializerOptions));
        return builder;
    }
}
