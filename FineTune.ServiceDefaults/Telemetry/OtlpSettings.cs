using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace FineTune.ServiceDefaults.Telemetry;

/// <summary>
/// The standard OTEL_* variables, read from configuration (so appsettings and tests can set them as
/// well as the environment) and checked up front.
/// </summary>
public sealed record OtlpSettings(Uri Endpoint, OtlpExportProtocol Protocol, string? Headers, string ServiceName, int MetricExportIntervalMs)
{
    public static OtlpSettings? FromConfiguration(IConfiguration configuration, string applicationName)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidSettingException("OTEL_EXPORTER_OTLP_ENDPOINT",
                $"'{endpoint}' is not an absolute http(s) URL such as http://localhost:4317.");

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidSettingException("OTEL_EXPORTER_OTLP_PROTOCOL",
                $"'{other}' is not supported; use grpc or http/protobuf."),
        };
        var interval = configuration["OTEL_METRIC_EXPORT_INTERVAL"] is { Length: > 0 } text
            ? int.TryParse(text, out var ms) && ms > 0 ? ms
                : throw new InvalidSettingException("OTEL_METRIC_EXPORT_INTERVAL", $"'{text}' is not a positive number of milliseconds.")
            : 60_000;
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : applicationName;
        return new OtlpSettings(uri, protocol, configuration["OTEL_EXPORTER_OTLP_HEADERS"], serviceName, interval);
    }

    /// <summary>
    /// Configures one signal's exporter. Over http/protobuf each signal has its own path under the base
    /// endpoint (the spec's rule for OTEL_EXPORTER_OTLP_ENDPOINT); gRPC uses the endpoint as it is.
    /// </summary>
    public void Apply(OtlpExporterOptions options, string signal)
    {
        options.Protocol = Protocol;
        options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/v1/" + signal)
            : Endpoint;
        if (!string.IsNullOrEmpty(Headers)) options.Headers = Headers;
    }
}
