using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FineTune.ServiceDefaults.Telemetry;

public static class LoggingExtensions
{
    /// <summary>
    /// Console logs as one JSON object per line, with the current trace and span ids in the scope,
    /// so a log line can be joined to its trace in any log store.
    /// </summary>
    public static IHostApplicationBuilder AddStructuredLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.Configure(options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        return builder;
    }
}
