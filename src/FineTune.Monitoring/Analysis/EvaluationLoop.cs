namespace FineTune.Monitoring.Analysis;

/// <summary>
/// Evaluates drift and SLOs every <see cref="AnalysisSettings.EvaluationInterval"/>; a zero interval
/// leaves evaluation to callers (tests). It also carries the analysis state across restarts: restored
/// while the host is starting, before any hosted service (the bus among them) starts, and saved once
/// every hosted service has stopped, so no record taken before shutdown is missing from the snapshot.
/// </summary>
public sealed class EvaluationLoop(AnalysisService analysis, AnalysisSettings settings, ILogger<EvaluationLoop> logger) : BackgroundService, IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => analysis.LoadAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => analysis.SaveAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.EvaluationInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(settings.EvaluationInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await analysis.EvaluateAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // one failed evaluation (a publish that timed out) must not stop the next ones
                logger.LogError(e, "Drift and SLO evaluation failed; retrying at the next tick.");
            }
        }
    }
}

/// <summary>The analysis' settings, section <c>Monitoring:Analysis</c>.</summary>
public sealed class AnalysisSettings
{
    public const string Section = "Monitoring:Analysis";

    /// <summary>How often drift and SLOs are evaluated; zero turns the timer off.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(5);
}
