using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// Aspire's programming model without Aspire (its packages do not restore here): checks that every
/// binary is installed, starts each resource once what it waits for is healthy, streams and keeps
/// its output, restarts crashed processes, serves a resources page, and on Ctrl+C or SIGTERM stops
/// services first and infrastructure last.
/// </summary>
public sealed class DistributedApplication
{
    private const int KeptLines = 200;
    private readonly ConsoleLog _log;
    private readonly RestartPolicy _restartPolicy;
    private readonly Dictionary<IResource, ResourceStatus> _status;
    private readonly List<IResource> _readyOrder = [];
    private readonly List<Task> _supervisors = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ResourcesPage _page;
    private readonly string[] _args;

    public DistributedApplication(IReadOnlyList<IResource> resources, TextWriter output, RestartPolicy? restartPolicy = null, string[]? args = null)
    {
        Resources = resources;
        _args = args ?? [];
        _log = new ConsoleLog(output);
        _restartPolicy = restartPolicy ?? RestartPolicy.Default;
        _status = resources.ToDictionary(r => r, _ => new ResourceStatus(KeptLines));
        _page = new ResourcesPage(Snapshot);
        foreach (var resource in resources)
            foreach (var process in resource.Processes)
            {
                var label = LabelOf(resource, process);
                process.OutputReceived += (_, line) => Record(resource, label, line);
            }
    }

    public IReadOnlyList<IResource> Resources { get; }

    /// <summary>The resources page, once <see cref="StartAsync"/> has begun.</summary>
    public Uri? DashboardUrl => _page.Url;

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>A builder that sees <paramref name="hostEnvironment"/> as the AppHost's environment (for tests).</summary>
    public static DistributedApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string> hostEnvironment) => new(args, hostEnvironment);

    /// <summary>
    /// A line printed, without a prefix, once every resource is running; <c>run.sh</c> waits for it.
    /// Null (the default) prints none.
    /// </summary>
    public Func<string>? ReadyLine { get; set; }

    public ResourceStatus StatusOf(IResource resource) => _status[resource];

    /// <summary>
    /// Starts everything and waits for Ctrl+C, SIGTERM or <paramref name="stopping"/>; with
    /// <c>--publisher manifest</c> writes the resource model instead. Returns the process exit code.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken stopping = default)
    {
        if (ArgumentAfter("--publisher") is { } publisher)
            return Publish(publisher);

        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            await StartAsync(shutdown.Token);
            _log.Write("apphost", "ready; Ctrl+C stops everything.");
            if (ReadyLine is { } readyLine) _log.Announce(readyLine());
            await Task.Delay(Timeout.Infinite, shutdown.Token).ContinueWith(_ => { }, CancellationToken.None);
            return 0;
        }
        catch (Exception e) when (e is PrerequisitesMissingException or LocalServerException or DependencyFailedException)
        {
            _log.Error("apphost", e.Message);
            return 1;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return 0; // stopped while starting
        }
        finally
        {
            await StopAsync();
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we shut down ourselves, in order
            // A terminal's Ctrl+C reaches the children too; their exits are not crashes to restart.
            _stopping.Cancel();
            shutdown.Cancel();
        }
    }

    /// <summary>Checks prerequisites, then starts every resource as soon as all it waits for is running; returns when all are.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Prerequisites.ThrowIfAny(Resources);
        _page.Start();
        _log.Write("apphost", $"resources page: {DashboardUrl}");
        var ready = Resources.ToDictionary(r => r, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var starts = Resources.Select(r => StartOneAsync(r, ready, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch (Exception)
        {
            // Report the cause, not the resources that merely waited for it.
            var failures = starts.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions);
            ExceptionDispatchInfo.Throw(failures.OrderBy(e => e is DependencyFailedException).First());
        }
    }

    private async Task StartOneAsync(IResource resource, Dictionary<IResource, TaskCompletionSource> ready, CancellationToken cancellationToken)
    {
        var status = _status[resource];
        try
        {
            status.State = ResourceState.Waiting;
            foreach (var dependency in resource.WaitsFor)
            {
                try { await ready[dependency].Task; }
                catch (Exception) { throw new DependencyFailedException($"{resource.Name} was not started: {dependency.Name}, which it waits for, did not start."); }
            }
            status.State = ResourceState.Starting;
            _log.Write(resource.Name, "starting");
            resource.Configure();
            await Task.WhenAll(resource.Processes.Select(p => p.StartAsync(cancellationToken)));
            lock (_readyOrder) _readyOrder.Add(resource);
            status.State = ResourceState.Running;
            _log.Write(resource.Name, $"ready: {Wiring(resource)}");
            lock (_supervisors)
                foreach (var process in resource.Processes)
                    _supervisors.Add(new ProcessSupervisor(process, LabelOf(resource, process), status, _restartPolicy, _log).WatchAsync(_stopping.Token));
            ready[resource].SetResult();
        }
        catch (Exception e)
        {
            status.State = e is DependencyFailedException ? ResourceState.NotStarted : ResourceState.Failed;
            ready[resource].TrySetException(e);
            throw;
        }
    }

    /// <summary>Stops services (latest ready first), then infrastructure, so nothing loses a dependency while it still runs.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        Task[] supervisors;
        lock (_supervisors) supervisors = [.. _supervisors];
        await Task.WhenAll(supervisors);

        List<IResource> order;
        lock (_readyOrder) order = [.. Enumerable.Reverse(_readyOrder), .. Resources.Except(_readyOrder).Reverse()];
        foreach (var resource in order.Where(r => r is ProjectResource).Concat(order.Where(r => r is not ProjectResource)))
        {
            if (resource.Processes.Any(p => p.ProcessId is not null)) _log.Write(resource.Name, "stopping");
            try { await Task.WhenAll(resource.Processes.Select(p => p.StopAsync())); }
            catch (Exception e) { _log.Error(resource.Name, $"stop failed: {e.Message}"); }
            if (_status[resource].State is not (ResourceState.NotStarted or ResourceState.Failed)) _status[resource].State = ResourceState.Stopped;
        }
        await _page.DisposeAsync();
        _log.Write("apphost", "stopped.");
    }

    public IReadOnlyList<ResourceSnapshot> Snapshot() =>
    [
        .. Resources.Select(r =>
        {
            var status = _status[r];
            ReplicaSnapshot[] replicas = [.. r.Processes.Select(p => new ReplicaSnapshot(LabelOf(r, p), p.ProcessId,
                p is ServiceProcess service ? service.ConnectionString : $"127.0.0.1:{p.Port}"))];
            var health = status.State == ResourceState.Running
                ? replicas.All(p => p.Pid is not null) ? "healthy" : "unhealthy"
                : status.State == ResourceState.Failed ? "unhealthy" : "unknown";
            return new ResourceSnapshot(r.Name, r.Kind, status.State.ToString(), health, r.Endpoints, status.Restarts, replicas,
                [.. r.WaitsFor.Select(w => w.Name)], status.RecentLines);
        }),
    ];

    private void Record(IResource resource, string label, string line)
    {
        _status[resource].Append(label == resource.Name ? line : $"[{label}] {line}");
        _log.Write(label, line);
    }

    /// <summary>A replica's lines carry its own name (<c>inference-1</c>); a single process's carry the resource's.</summary>
    private static string LabelOf(IResource resource, LocalServer process) =>
        resource.Processes.Count > 1 ? process.Name : resource.Name;

    private static string Wiring(IResource resource) => resource is ProjectResource project
        ? string.Join(", ", project.Replicas.Select((r, i) => $"services__{project.Name}__http__{i}={r.ConnectionString}"))
        : $"ConnectionStrings__{resource.Name}={Redact(resource.ConnectionString)}";

    private static string Redact(string connectionString) =>
        string.Join(';', connectionString.Split(';').Select(p => p.StartsWith("AccountKey=", StringComparison.Ordinal) ? "AccountKey=***" : p));

    private int Publish(string publisher)
    {
        if (publisher != "manifest")
        {
            _log.Error("apphost", $"--publisher: unknown publisher '{publisher}'; the only one is 'manifest'.");
            return 1;
        }
        var json = ManifestWriter.Write(Resources);
        if (ArgumentAfter("--output-path") is { } path) File.WriteAllText(path, json);
        else Console.Out.WriteLine(json);
        return 0;
    }

    private string? ArgumentAfter(string flag) => DistributedApplicationBuilder.ArgumentAfter(_args, flag);
}

/// <summary>A resource was not started because something it waits for failed to start.</summary>
public sealed class DependencyFailedException(string message) : Exception(message);
