using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// A service of the suite, run from its build output with Aspire's wiring: every referenced server
/// as <c>ConnectionStrings__{name}</c>, every referenced service as <c>services__{name}__http__0</c>.
/// Declared after what it references, so the declaration order is the start order (Aspire's WaitFor).
/// </summary>
public sealed class ProjectResource(string name, ServiceProcess process) : IResource
{
    public string Name { get; } = name;

    public ServiceProcess Process { get; } = process;

    public string ConnectionString => Process.ConnectionString;

    public ProjectResource WithReference(IResource resource)
    {
        if (resource is ProjectResource service) Process.Environment[$"services__{service.Name}__http__0"] = service.ConnectionString;
        else Process.Environment[$"ConnectionStrings__{resource.Name}"] = resource.ConnectionString;
        return this;
    }

    public ProjectResource WithEnvironment(string name, string value)
    {
        Process.Environment[name] = value;
        return this;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Process.StartAsync(cancellationToken);

    public Task StopAsync() => Process.StopAsync();
}
