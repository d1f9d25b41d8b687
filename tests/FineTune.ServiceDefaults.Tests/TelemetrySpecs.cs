using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using FineTune.LocalServers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FineTune.ServiceDefaults.Tests;

public sealed class TelemetrySpecs
{
    [Fact]
    public async Task Traces_and_logs_are_exported_over_otlp_with_the_service_name()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "otlp-probe-service",
        }).AddServiceDefaults();
        var app = await TestApp.StartAsync(builder, a => a.MapGet("/work", (ILogger<TelemetrySpecs> log) =>
        {
            log.LogInformation("unmistakable-log-line {Answer}", 42);
            return "ok";
        }));

        Assert.Equal("ok", await app.GetTestClient().GetStringAsync("/work"));
        await app.StopAsync(); // flushes the exporters
        await app.DisposeAsync();

        var traces = collector.BodiesFor("/v1/traces");
        var logs = collector.BodiesFor("/v1/logs");
        Assert.Contains(traces, body => body.Contains("otlp-probe-service") && body.Contains("GET /work") && body.Contains("http.route"));
        Assert.Contains(logs, body => body.Contains("unmistakable-log-line"));
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_nothing_is_exported_and_the_service_still_starts()
    {
        await using var app = await TestApp.StartAsync(TestApp.CreateBuilder().AddServiceDefaults());

        Assert.Null(app.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/alive")).StatusCode);
    }

    /// <summary>A real HTTP endpoint on loopback that accepts OTLP/HTTP exports and keeps their bodies.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
        private WebApplication _app = null!;

        public string Endpoint { get; private set; } = "";

        public static async Task<OtlpCollector> StartAsync()
        {
            var collector = new OtlpCollector();
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            collector._app = builder.Build();
            collector._app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._received.Enqueue((context.Request.Path, body.ToArray()));
                return Results.Ok();
            });
            await collector._app.StartAsync();
            collector.Endpoint = $"http://127.0.0.1:{port}";
            return collector;
        }

        // Protobuf keeps strings as raw UTF-8, so a decoded view is enough to find names in it.
        public List<string> BodiesFor(string path) =>
            _received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)).ToList();

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}

[Collection(ConsoleCollection.Name)]
public sealed class StructuredLoggingSpecs
{
    [Fact]
    public async Task Console_logs_are_json_lines_carrying_the_trace_and_span_ids()
    {
        var original = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        string traceId, spanId;
        try
        {
            var app = await TestApp.StartAsync(TestApp.CreateBuilder().AddServiceDefaults());
            using (var activity = new Activity("logging-spec").Start())
            {
                (traceId, spanId) = (activity.TraceId.ToString(), activity.SpanId.ToString());
                app.Services.GetRequiredService<ILogger<StructuredLoggingSpecs>>().LogWarning("disk {Percent}% full", 93);
            }
            await app.DisposeAsync(); // the console logger drains its queue on dispose
        }
        finally
        {
            Console.SetOut(original);
        }

        var line = captured.ToString().Split('\n').Single(l => l.Contains("disk 93% full"));
        using var json = JsonDocument.Parse(line[line.IndexOf('{')..]);
        Assert.Equal("Warning", json.RootElement.GetProperty("LogLevel").GetString());
        var scope = json.RootElement.GetProperty("Scopes")[0];
        Assert.Equal(traceId, scope.GetProperty("TraceId").GetString());
        Assert.Equal(spanId, scope.GetProperty("SpanId").GetString());
    }
}
