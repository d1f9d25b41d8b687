namespace FineTune.AppHost.Hosting;

/// <summary>Something the AppHost starts and stops: a server, later a service process.</summary>
public interface IResource
{
    string Name { get; }

    /// <summary>The value other resources receive as <c>ConnectionStrings__{Name}</c>.</summary>
    string ConnectionString { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync();
}
