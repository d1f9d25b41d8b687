using System.Collections.Concurrent;
using FineTune.LocalServers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FineTune.Gateway.Tests;

/// <summary>A request as a replica received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A small real Kestrel app on a free loopback port, standing in for a service replica: <c>/health</c>
/// answers 200, every other request is recorded and answered by the test's endpoints (or echoed).
/// </summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Upstream(WebApplication app, int port) => (_app, Port) = (app, port);

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public static async Task<Upstream> StartAsync(Action<WebApplication>? map = null, int? port = null)
    {
        var chosen = port ?? FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{chosen}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new Upstream(app, chosen);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path != "/health")
            {
                context.Request.EnableBuffering();
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                context.Request.Body.Position = 0;
                upstream.Received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            }
            await next(context);
        });
        app.MapGet("/health", () => Results.Ok("healthy"));
        map?.Invoke(app);
        app.MapFallback(async context =>
        {
            context.Response.Headers["X-Replica"] = chosen.ToString();
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} from {chosen}");
        });
        await app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
