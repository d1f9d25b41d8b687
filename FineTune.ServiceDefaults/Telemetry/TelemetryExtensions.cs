using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FineTune.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The hosting
/// package that would normally do this (OpenTelemetry.Extensions.Hosting) does not restore here, so the
/// providers are built with <see cref="Sdk"/> and owned by the DI container: created when the host
/// starts, flushed and disposed when it stops.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Activity sources and meters FineTune listens to; ASP.NET Core and HttpClient emit natively.</summary>
    public static readonly string[] Sources = ["Microsoft.AspNetCore", "System.Net.Http", "MassTransit", "FineTune.*"];

    public static readonly string[] Meters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "MassTransit", "FineTune.*"];

    public static IHostApplicationBuilder AddOpenTelemetryExporters(this IHostApplicationBuilder builder)
    {
        var otlp = OtlpSettings.FromConfiguration(builder.Configuration, builder.Environment.ApplicationName);
        if (otlp is null) return builder;

        var resource = ResourceBuilder.CreateDefault().AddService(otlp.ServiceName);
        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource).AddSource(Sources)
            .AddOtlpExporter(o => otlp.Apply(o, "traces")).Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource).AddMeter(Meters)
            .AddOtlpExporter((o, reader) =>
            {
                otlp.Apply(o, "metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = otlp.MetricExportIntervalMs;
            }).Build());
        builder.Services.AddHostedService<TelemetryProviderActivator>();
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeScopes = true;
            logging.IncludeFormattedMessage = true;
            logging.AddOtlpExporter(o => otlp.Apply(o, "logs"));
        });
        return builder;
    }

    /// <summary>Resolves the providers at start so they listen from the first request on; flushes at stop.</summary>
    private sealed class TelemetryProviderActivator(TracerProvider tracer, MeterProvider meter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracer.ForceFlush(5000);
            meter.ForceFlush(5000);
            return Task.CompletedTask;
        }
    }
}
