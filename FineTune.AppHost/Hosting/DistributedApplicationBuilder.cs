using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// Collects the resources of the suite in declaration order, as Aspire's builder does, and builds the
/// application. <c>--data DIR</c> keeps server data in DIR; <c>--only a,b</c> runs just those resources and what they wait for.
/// </summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<IResource> _resources = [];
    private readonly Lazy<GatewayApiKey> _apiKey;

    /// <param name="hostEnvironment">The AppHost's own environment; the process's when null.</param>
    public DistributedApplicationBuilder(string[] args, IReadOnlyDictionary<string, string>? hostEnvironment = null)
    {
        Args = args;
        HostEnvironment = hostEnvironment ?? CurrentEnvironment();
        DataRoot = ArgumentAfter(args, "--data")
            ?? Path.Combine(Path.GetTempPath(), "finetune-apphost", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        _apiKey = new Lazy<GatewayApiKey>(() => GatewayApiKey.Resolve(HostEnvironment, DataRoot));
    }

    public string[] Args { get; }

    /// <summary>
    /// The AppHost's environment. Every process it starts inherits all of it (so <c>Training__Lease</c>
    /// set here reaches the services); the OTLP exporter settings are also written into each service's
    /// declared environment, as Aspire does.
    /// </summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; }

    /// <summary>
    /// The key clients present to the gateway, resolved on first use (when the gateway starts):
    /// <c>FINETUNE_API_KEY</c> if set, else one generated into the data folder.
    /// </summary>
    public Lazy<GatewayApiKey> ApiKey => _apiKey;

    /// <summary>Where servers keep their data; one folder per run unless <c>--data DIR</c> is given.</summary>
    public string DataRoot { get; }

    /// <summary>How crashed processes are restarted.</summary>
    public RestartPolicy RestartPolicy { get; set; } = RestartPolicy.Default;

    public ServerResource AddRabbitMQ(string name) => AddServer(name, new RabbitMqServer(DataRoot) { EnableManagement = true });

    public ServerResource AddRedis(string name) => AddServer(name, new RedisServer(DataRoot));

    public ServerResource AddAzurite(string name) => AddServer(name, new AzuriteServer(DataRoot));

    /// <summary>Any server the launcher knows, configured by the caller (another binary, another option).</summary>
    public ServerResource AddServer(string name, LocalServer server) => Add(new ServerResource(name, server));

    /// <summary>A service of the suite, run from its build output next to the AppHost's (same configuration and framework).</summary>
    /// <param name="projectFolder">The project's folder relative to the repository root, e.g. <c>src/FineTune.Curation</c>.</param>
    public ProjectResource AddProject(string name, string projectFolder)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory); // …/bin/<configuration>/<framework>/
        var root = ToolLocator.RepositoryRoot ?? throw new DirectoryNotFoundException($"No FineTune.sln above {AppContext.BaseDirectory}.");
        var assembly = Path.Combine(root, projectFolder, "bin", output.Parent!.Name, output.Name, Path.GetFileName(projectFolder) + ".dll");
        var project = new ProjectResource(name, projectFolder, processName => new ServiceProcess(processName, assembly, DataRoot));
        foreach (var variable in OtlpExporterVariables)
            if (HostEnvironment.TryGetValue(variable, out var value) && !string.IsNullOrWhiteSpace(value)) project.WithEnvironment(variable, value);
        return Add(project);
    }

    /// <summary>Aspire's convention: the AppHost hands its collector to every service; without one, services export nothing.</summary>
    public static IReadOnlyList<string> OtlpExporterVariables { get; } = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL"];

    public DistributedApplication Build(TextWriter? output = null)
    {
        var resources = ArgumentAfter(Args, "--only") is { } only ? Selected(only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : _resources;
        foreach (var resource in resources) ThrowOnCycle(resource, []);
        return new DistributedApplication(resources, output ?? Console.Out, RestartPolicy, Args);
    }

    private List<IResource> Selected(string[] names)
    {
        var unknown = names.Where(n => _resources.All(r => r.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"--only: no resource named {string.Join(", ", unknown.Select(n => $"'{n}'"))}; declared are {string.Join(", ", _resources.Select(r => r.Name))}.");
        var keep = new HashSet<IResource>();
        void Keep(IResource resource)
        {
            if (keep.Add(resource)) foreach (var dependency in resource.WaitsFor) Keep(dependency);
        }
        foreach (var name in names) Keep(_resources.Single(r => r.Name == name));
        return [.. _resources.Where(keep.Contains)];
    }

    private static void ThrowOnCycle(IResource resource, List<IResource> path)
    {
        if (path.Contains(resource))
            throw new InvalidOperationException($"WaitFor cycle: {string.Join(" -> ", path.SkipWhile(r => r != resource).Append(resource).Select(r => r.Name))}; nothing could ever start.");
        path.Add(resource);
        foreach (var dependency in resource.WaitsFor) ThrowOnCycle(dependency, path);
        path.RemoveAt(path.Count - 1);
    }

    private T Add<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => r.Name == resource.Name))
            throw new ArgumentException($"A resource named '{resource.Name}' is already declared.");
        _resources.Add(resource);
        return resource;
    }

    private static Dictionary<string, string> CurrentEnvironment() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

    internal static string? ArgumentAfter(string[] args, string flag)
    {
        var index = Array.IndexOf(args, flag);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
