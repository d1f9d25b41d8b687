using System.Runtime.InteropServices;
using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// Aspire's programming model without Aspire (its packages do not restore here): resources are
/// declared on a builder, started in declaration order, their output streamed with a coloured
/// prefix, and all stopped in reverse order on Ctrl+C or SIGTERM.
/// </summary>
public sealed class DistributedApplication(IReadOnlyList<IResource> resources, TextWriter output)
{
    private static readonly ConsoleColor[] Colours =
        [ConsoleColor.Cyan, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Green, ConsoleColor.Blue];

    private readonly object _writeLock = new();

    public IReadOnlyList<IResource> Resources { get; } = resources;

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>Starts every resource, then waits until <paramref name="stopping"/> fires or a signal arrives.</summary>
    public async Task RunAsync(CancellationToken stopping = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            await StartAsync(shutdown.Token);
            Write("apphost", ConsoleColor.White, "ready; Ctrl+C stops everything.");
            await Task.Delay(Timeout.Infinite, shutdown.Token).ContinueWith(_ => { }, CancellationToken.None);
        }
        finally
        {
            await StopAsync();
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we shut down ourselves, in order
            shutdown.Cancel();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < Resources.Count; i++)
        {
            var resource = Resources[i];
            var colour = Colours[i % Colours.Length];
            LocalServer process = resource switch { ServerResource s => s.Server, ProjectResource p => p.Process, _ => throw new NotSupportedException(resource.GetType().Name) };
            process.OutputReceived += (_, line) => Write(resource.Name, colour, line);
            Write(resource.Name, colour, "starting");
            await resource.StartAsync(cancellationToken);
            Write(resource.Name, colour, resource is ProjectResource
                ? $"ready: services__{resource.Name}__http__0={resource.ConnectionString}"
                : $"ready: ConnectionStrings__{resource.Name}={Redact(resource.ConnectionString)}");
        }
    }

    /// <summary>Stops resources in reverse order, so nothing loses a dependency while it still runs.</summary>
    public async Task StopAsync()
    {
        foreach (var resource in Resources.Reverse())
        {
            try { await resource.StopAsync(); }
            catch (Exception e) { Write(resource.Name, ConsoleColor.Red, $"stop failed: {e.Message}"); }
        }
        Write("apphost", ConsoleColor.White, "stopped.");
    }

    private void Write(string name, ConsoleColor colour, string line)
    {
        lock (_writeLock)
        {
            var coloured = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            if (coloured) Console.ForegroundColor = colour;
            output.Write($"{name,-10}| ");
            if (coloured) Console.ResetColor();
            output.WriteLine(line);
        }
    }

    private static string Redact(string connectionString) =>
        connectionString.Contains("AccountKey=", StringComparison.Ordinal)
            ? string.Join(';', connectionString.Split(';').Select(p => p.StartsWith("AccountKey=", StringComparison.Ordinal) ? "AccountKey=***" : p))
            : connectionString;
}

public sealed class DistributedApplicationBuilder(string[] args)
{
    private readonly List<IResource> _resources = [];

    public string[] Args { get; } = args;

    /// <summary>Where servers keep their data; one folder per run unless <c>--data DIR</c> is given.</summary>
    public string DataRoot { get; } = ArgumentAfter(args, "--data")
        ?? Path.Combine(Path.GetTempPath(), "finetune-apphost", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));

    public ServerResource AddRabbitMQ(string name) => Add(new ServerResource(name, new RabbitMqServer(DataRoot) { EnableManagement = true }));

    public ServerResource AddRedis(string name) => Add(new ServerResource(name, new RedisServer(DataRoot)));

    public ServerResource AddAzurite(string name) => Add(new ServerResource(name, new AzuriteServer(DataRoot)));

    /// <summary>A service of the suite, run from its build output next to the AppHost's (same configuration and framework).</summary>
    /// <param name="projectFolder">The project's folder relative to the repository root, e.g. <c>src/FineTune.Curation</c>.</param>
    public ProjectResource AddProject(string name, string projectFolder)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory); // …/bin/<configuration>/<framework>/
        var root = ToolLocator.RepositoryRoot ?? throw new DirectoryNotFoundException($"No FineTune.sln above {AppContext.BaseDirectory}.");
        var assembly = Path.Combine(root, projectFolder, "bin", output.Parent!.Name, output.Name, Path.GetFileName(projectFolder) + ".dll");
        return Add(new ProjectResource(name, new ServiceProcess(name, assembly, DataRoot)));
    }

    public DistributedApplication Build(TextWriter? output = null) => new(_resources, output ?? Console.Out);

    private T Add<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => r.Name == resource.Name))
            throw new ArgumentException($"A resource named '{resource.Name}' is already declared.");
        _resources.Add(resource);
        return resource;
    }

    private static string? ArgumentAfter(string[] args, string flag)
    {
        var index = Array.IndexOf(args, flag);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
