namespace FineTune.AppHost.Hosting;

/// <summary>Where a resource is in its life, as the resources page shows it.</summary>
public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Restarting,
    Failed,
    Stopped,
}
