using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>A real server binary (RabbitMQ, Redis, Azurite), started by the same launcher the tests use.</summary>
public sealed class ServerResource(string name, LocalServer server) : IResource
{
    private readonly List<IResource> _waitsFor = [];

    public string Name { get; } = name;

    public string Kind => Server.Name;

    public LocalServer Server { get; } = server;

    public string ConnectionString => Server.ConnectionString;

    public IReadOnlyList<LocalServer> Processes => [Server];

    public IReadOnlyList<string> Endpoints => Server switch
    {
        RabbitMqServer { EnableManagement: true } rabbit => [$"127.0.0.1:{rabbit.Port}", $"http://127.0.0.1:{rabbit.ManagementPort}"],
        AzuriteServer azurite => [azurite.BlobEndpoint],
        _ => [$"127.0.0.1:{Server.Port}"],
    };

    public IReadOnlyCollection<IResource> WaitsFor => _waitsFor;

    /// <summary>Start only once <paramref name="resource"/> is healthy.</summary>
    public ServerResource WaitFor(IResource resource)
    {
        _waitsFor.Add(resource);
        return this;
    }

    public void Configure() { }
}
