namespace FineTune.AppHost.Hosting;

/// <summary>
/// How a crashed process is brought back: after <see cref="FirstDelay"/>, doubling with each
/// restart, at most <see cref="MaxRestarts"/> times within <see cref="Window"/>; past that it is marked failed.
/// </summary>
public sealed record RestartPolicy(TimeSpan FirstDelay, int MaxRestarts, TimeSpan Window)
{
    public static RestartPolicy Default { get; } = new(TimeSpan.FromSeconds(1), 5, TimeSpan.FromMinutes(5));

    /// <summary>The wait before restart number <paramref name="previousRestarts"/> + 1 in the window.</summary>
    public TimeSpan DelayBefore(int previousRestarts) => FirstDelay * Math.Pow(2, previousRestarts);
}
