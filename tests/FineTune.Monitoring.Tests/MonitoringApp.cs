using System.Collections.Concurrent;
using System.Net;
using FineTune.LocalServers;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Monitoring.Tests;

/// <summary>
/// The monitoring service's real Program (Production, embedded hosting: in-memory bus, folder store).
/// Two instances given the same <c>storage</c> folder behave as a restart or a second replica. With
/// <c>kestrel: true</c> it listens on a free loopback port (<see cref="Address"/>), for a real browser.
/// <see cref="PublishAsync"/> puts an event on the app's own bus; <see cref="ConsumedAsync"/> waits
/// until its consumers have handled so many messages.
/// </summary>
public sealed class MonitoringApp : WebApplicationFactory<Program>
{
    private readonly TempDirectory _folder = new("monitoring");
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _storage;
    private readonly Action<IServiceCollection>? _services;
    private readonly ConsumeCounter _consumed = new();
    private int _observing;

    public MonitoringApp(IReadOnlyDictionary<string, string?>? settings = null, string? storage = null, bool kestrel = false,
        Action<IServiceCollection>? services = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _storage = storage ?? Path.Combine(_folder.Path, "artifacts");
        _services = services;
        if (!kestrel) return;
        Port = FreePort.Next();
        UseKestrel(k => k.Listen(IPAddress.Loopback, Port.Value));
        StartServer();
    }

    /// <summary>The artifact store folder: pass it to another instance to share (or restart on) the same state.</summary>
    public string StoragePath => _storage;

    /// <summary>The loopback port when listening on Kestrel.</summary>
    public int? Port { get; }

    public Uri Address => Port is { } port ? new Uri($"http://127.0.0.1:{port}") : Server.BaseAddress;

    public IArtifactStore Store => Services.GetRequiredService<IArtifactStore>();

    /// <summary>An HttpClient to the app: over the network on Kestrel, in memory otherwise.</summary>
    public HttpClient Client() => Port is null ? CreateClient() : new HttpClient { BaseAddress = Address };

    public async Task PublishAsync(object message)
    {
        var bus = Observed();
        await bus.Publish(message);
    }

    /// <summary>
    /// Waits until consumers whose type name contains <paramref name="consumer"/> (any consumer when null)
    /// have handled <paramref name="count"/> messages since the first publish; gives up after 60 s, naming the faults.
    /// </summary>
    public async Task ConsumedAsync(int count, string? consumer = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (_consumed.Count(consumer) < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{_consumed.Count(consumer)} of {count} messages handled; faults: {string.Join(" | ", _consumed.Faults)}");
            await Task.Delay(10);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", _storage);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (_services is { } configure) builder.ConfigureTestServices(configure);
    }

    private IBus Observed()
    {
        var bus = Services.GetRequiredService<IBus>();
        if (Interlocked.Exchange(ref _observing, 1) == 0) bus.ConnectReceiveObserver(_consumed);
        return bus;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }

    /// <summary>Which consumers handled a message, and what failed (retries included).</summary>
    private sealed class ConsumeCounter : IReceiveObserver
    {
        private readonly ConcurrentQueue<string> _consumers = new();

        public ConcurrentQueue<string> Faults { get; } = new();

        public int Count(string? consumer) => consumer is null ? _consumers.Count : _consumers.Count(c => c.Contains(consumer, StringComparison.Ordinal));

        public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class
        {
            _consumers.Enqueue(consumerType);
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class
        {
            Faults.Enqueue($"{consumerType} on {typeof(T).Name}: {exception.Message}");
            return Task.CompletedTask;
        }

        public Task ReceiveFault(ReceiveContext context, Exception exception)
        {
            Faults.Enqueue(exception.Message);
            return Task.CompletedTask;
        }
    }
}
