using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// Something the AppHost starts, supervises and stops: a server or a service with one or more
/// replicas. The application drives its processes; the resource only describes and wires them.
/// </summary>
public interface IResource
{
    string Name { get; }

    /// <summary>What the resource is (<c>project</c>, <c>redis</c>, <c>rabbitmq</c>, <c>azurite</c>), for the resources page and manifest.</summary>
    string Kind { get; }

    /// <summary>The value other resources receive as <c>ConnectionStrings__{Name}</c>.</summary>
    string ConnectionString { get; }

    /// <summary>The processes that make up the resource, each on its own port.</summary>
    IReadOnlyList<LocalServer> Processes { get; }

    /// <summary>Addresses a person or client can reach the resource on.</summary>
    IReadOnlyList<string> Endpoints { get; }

    /// <summary>Resources that must be healthy before this one starts (Aspire's <c>WaitFor</c>).</summary>
    IReadOnlyCollection<IResource> WaitsFor { get; }

    /// <summary>Hands the processes their final environment; called once, right before they start.</summary>
    void Configure();
}
