using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>A real server binary, started by the same launcher the tests use.</summary>
public sealed class ServerResource(string name, LocalServer server) : IResource
{
    public string Name { get; } = name;

    public LocalServer Server { get; } = server;

    public string ConnectionString => Server.ConnectionString;

    public Task StartAsync(CancellationToken cancellationToken) => Server.StartAsync(cancellationToken);

    public Task StopAsync() => Server.StopAsync();
}
