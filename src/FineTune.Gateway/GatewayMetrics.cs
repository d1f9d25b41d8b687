using System.Diagnostics.Metrics;

namespace FineTune.Gateway;

/// <summary>
/// The gateway's meters (<c>FineTune.Gateway</c>): requests by route and status, time to forward by
/// route, requests refused by the rate limits per key name, and replicas ejected per cluster — the
/// numbers the monitoring dashboard's traffic and error charts are drawn from.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "FineTune.Gateway";
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _ejections;

    public GatewayMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _requests = _meter.CreateCounter<long>("finetune.gateway.requests", description: "Requests answered, by route and status code");
        _duration = _meter.CreateHistogram<double>("finetune.gateway.duration", "ms", "Time from arrival to the end of the answer, by route");
        _rateLimited = _meter.CreateCounter<long>("finetune.gateway.rate_limited", description: "Requests refused with 429 by a key's rate limits");
        _ejections = _meter.CreateCounter<long>("finetune.gateway.ejections", description: "Replicas ejected after consecutive failures or a failed probe");
    }

    public void Answered(string route, int status, TimeSpan duration)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        _requests.Add(1, routeTag, new KeyValuePair<string, object?>("status", status));
        _duration.Record(duration.TotalMilliseconds, routeTag);
    }

    public void RateLimited(string keyName) => _rateLimited.Add(1, new KeyValuePair<string, object?>("key", keyName));

    public void Ejected(string cluster) => _ejections.Add(1, new KeyValuePair<string, object?>("cluster", cluster));

    public void Dispose() => _meter.Dispose();
}
