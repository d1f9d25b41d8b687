using Microsoft.Extensions.Options;

namespace FineTune.Gateway.Balancing;

/// <summary>
/// Active health checks: every <see cref="HealthSettings.ProbeIntervalSeconds"/> each replica's
/// <c>/health</c> is fetched; a 2xx re-admits an ejected replica, anything else (or no answer within
/// the probe timeout) ejects it. Passive ejection by the forwarder covers the time between probes.
/// </summary>
public sealed class HealthProber(ClusterRegistry clusters, IOptions<GatewaySettings> options, GatewayMetrics metrics, ILogger<HealthProber> logger)
    : BackgroundService
{
    private readonly HealthSettings _settings = options.Value.Health;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ActivityHeadersPropagator = null })
    {
        Timeout = TimeSpan.FromSeconds(options.Value.Health.ProbeTimeoutSeconds),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_settings.ProbeIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await ProbeAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>Probes every replica of every cluster once, in parallel.</summary>
    public Task ProbeAllAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(clusters.All.SelectMany(c => c.Replicas.Select(r => ProbeAsync(c, r, cancellationToken))));

    private async Task ProbeAsync(Cluster cluster, Replica replica, CancellationToken cancellationToken)
    {
        bool healthy;
        string detail;
        try
        {
            using var response = await _client.GetAsync(new Uri(replica.Address, _settings.ProbePath), cancellationToken);
            (healthy, detail) = (response.IsSuccessStatusCode, $"{_settings.ProbePath} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            (healthy, detail) = (false, e is TaskCanceledException ? $"no answer within {_settings.ProbeTimeoutSeconds} s" : e.Message);
        }
        if (!replica.ApplyProbe(healthy, detail)) return;
        if (healthy) logger.LogInformation("Replica {Replica} of {Cluster} re-admitted: {Detail}", replica, cluster.Name, detail);
        else
        {
            metrics.Ejected(cluster.Name);
            logger.LogWarning("Replica {Replica} of {Cluster} ejected: {Detail}", replica, cluster.Name, detail);
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
