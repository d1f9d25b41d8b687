using System.Collections.Concurrent;
using System.Net.Http.Headers;
using FineTune.Gateway.Auth;
using FineTune.Gateway.Balancing;
using FineTune.LocalServers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FineTune.Gateway.Tests;

/// <summary>
/// The gateway's real Program on real Kestrel (a free loopback port), so streaming, disconnects and
/// hop-by-hop headers behave as in production. Probes run only when a test calls <see cref="ProbeAsync"/>.
/// Every log line is captured, so tests can check what was (not) logged.
/// </summary>
public sealed class GatewayApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public GatewayApp(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = new Dictionary<string, string?>(settings) { ["Gateway:Health:ProbeIntervalSeconds"] = "3600" };
        foreach (var (key, value) in settings) _settings[key] = value;
        Port = FreePort.Next();
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, Port));
        StartServer();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public ConcurrentQueue<string> Logs { get; } = new();

    public Cluster Cluster(string name) => Services.GetRequiredService<ClusterRegistry>()[name];

    public Task ProbeAsync() => Services.GetRequiredService<HealthProber>().ProbeAllAsync();

    /// <summary>A plain HttpClient to the gateway, sending <paramref name="key"/> as a bearer token when given.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Settings for one key: <c>Gateway:Keys:{name}</c> with its SHA-256 and scopes.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Key(string name, string key, params string[] scopes)
    {
        yield return new($"Gateway:Keys:{name}:Sha256", ApiKeyStore.Hash(key));
        for (var i = 0; i < scopes.Length; i++) yield return new($"Gateway:Keys:{name}:Scopes:{i}", scopes[i]);
    }

    /// <summary>Settings for a route to a cluster of replicas.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Route(string name, string path, string cluster, string scope, params Uri[] replicas)
    {
        yield return new($"Gateway:Routes:{name}:Path", path);
        yield return new($"Gateway:Routes:{name}:Cluster", cluster);
        yield return new($"Gateway:Routes:{name}:Scope", scope);
        for (var i = 0; i < replicas.Length; i++) yield return new($"Gateway:Clusters:{cluster}:Replicas:{i}", replicas[i].ToString());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new CapturingLoggerProvider(Logs));
        });
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose() { }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}
