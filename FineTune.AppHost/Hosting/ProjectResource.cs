using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// A service of the suite, run from its build output with Aspire's wiring: every referenced server
/// as <c>ConnectionStrings__{name}</c>, every replica of a referenced service as
/// <c>services__{name}__http__{i}</c>. A reference also means "wait until it is healthy".
/// </summary>
public sealed class ProjectResource : IResource
{
    private readonly Func<string, ServiceProcess> _createProcess;
    private readonly List<IResource> _references = [];
    private readonly List<IResource> _waitsFor = [];
    private readonly Dictionary<string, Func<string>> _environment = new(StringComparer.Ordinal);
    private List<ServiceProcess> _replicas;

    /// <param name="createProcess">Makes one replica's process, given the name its log lines carry.</param>
    public ProjectResource(string name, string projectFolder, Func<string, ServiceProcess> createProcess)
    {
        Name = name;
        ProjectFolder = projectFolder;
        _createProcess = createProcess;
        _replicas = [createProcess(name)];
    }

    public string Name { get; }

    public string Kind => "project";

    /// <summary>The project's folder relative to the repository root, e.g. <c>src/FineTune.Curation</c>.</summary>
    public string ProjectFolder { get; }

    /// <summary>The first replica (the only one unless <see cref="WithReplicas"/> asked for more).</summary>
    public ServiceProcess Process => _replicas[0];

    public IReadOnlyList<ServiceProcess> Replicas => _replicas;

    public IReadOnlyList<LocalServer> Processes => _replicas;

    public string ConnectionString => Process.ConnectionString;

    public IReadOnlyList<string> Endpoints => [.. _replicas.Select(r => r.ConnectionString)];

    public IReadOnlyCollection<IResource> WaitsFor => _waitsFor;

    public IReadOnlyList<IResource> References => _references;

    /// <summary>
    /// The environment every replica starts with, resolved now (ports are fixed at declaration), so
    /// a reference to a service that later gains replicas still sees them all.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["OTEL_SERVICE_NAME"] = Name };
            foreach (var reference in _references)
            {
                if (reference is ProjectResource service)
                    for (var i = 0; i < service.Replicas.Count; i++)
                        environment[$"services__{service.Name}__http__{i}"] = service.Replicas[i].ConnectionString;
                else
                    environment[$"ConnectionStrings__{reference.Name}"] = reference.ConnectionString;
            }
            foreach (var (key, value) in _environment) environment[key] = value();
            return environment;
        }
    }

    /// <summary>Wire <paramref name="resource"/> in and wait for it to be healthy before starting.</summary>
    public ProjectResource WithReference(IResource resource)
    {
        _references.Add(resource);
        return WaitFor(resource);
    }

    /// <summary>Start only once <paramref name="resource"/> is healthy.</summary>
    public ProjectResource WaitFor(IResource resource)
    {
        if (!_waitsFor.Contains(resource)) _waitsFor.Add(resource);
        return this;
    }

    /// <summary>Run <paramref name="count"/> processes of the service, each on its own port, named <c>{name}-{i}</c>.</summary>
    public ProjectResource WithReplicas(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"{Name}: WithReplicas needs at least 1 replica.");
        _replicas = count == 1 ? [_createProcess(Name)] : [.. Enumerable.Range(0, count).Select(i => _createProcess($"{Name}-{i}"))];
        return this;
    }

    public ProjectResource WithEnvironment(string name, string value) => WithEnvironment(name, () => value);

    /// <summary>A variable whose value is worked out only when the service starts (a secret made on first use, not while publishing a manifest).</summary>
    public ProjectResource WithEnvironment(string name, Func<string> value)
    {
        _environment[name] = value;
        return this;
    }

    public void Configure()
    {
        var environment = Environment;
        foreach (var replica in _replicas)
            foreach (var (key, value) in environment) replica.Environment[key] = value;
    }
}
