using FineTune.LocalServers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FineTune.Monitoring.Tests.Dashboard;

/// <summary>
/// A service's real Program on real Kestrel at a free loopback port, so a browser can load its pages and
/// one service can call another over HTTP. Settings are applied as host settings, in Production.
/// </summary>
public sealed class LoopbackApp<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public LoopbackApp(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        Port = FreePort.Next();
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, Port));
        StartServer();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }
}
