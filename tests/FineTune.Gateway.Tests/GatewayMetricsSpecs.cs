using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FineTune.Gateway.Tests;

/// <summary>The gateway's meters count what it answered, by route and status, and the requests its rate limits refused.</summary>
public sealed class GatewayMetricsSpecs : IAsyncLifetime
{
    private const string Key = "sk-metered-0123456789";
    private Upstream _upstream = null!;
    private GatewayApp _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _gateway = new GatewayApp(new Dictionary<string, string?>(
            GatewayApp.Key("metered-key", Key, "inference")
                .Concat(GatewayApp.Route("metered", "/v1/metered", "metered-cluster", "inference", _upstream.Address))
                .Append(new("Gateway:Keys:metered-key:RequestsPerMinute", "2"))));
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Requests_are_counted_by_route_and_status_and_refusals_by_key()
    {
        var requests = new ConcurrentQueue<(string Route, int Status)>();
        var limited = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == GatewayMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (instrument.Name == "finetune.gateway.requests" && values["route"] is "metered") requests.Enqueue(("metered", (int)values["status"]!));
            if (instrument.Name == "finetune.gateway.rate_limited" && values["key"] is "metered-key") limited.Enqueue("metered-key");
        });
        listener.Start();

        using (var anonymous = _gateway.Client()) (await anonymous.GetAsync("/v1/metered")).Dispose();
        using var client = _gateway.Client(Key);
        for (var i = 0; i < 3; i++) (await client.GetAsync("/v1/metered")).Dispose();

        Assert.Equal([401, 200, 200, 429], requests.Select(r => r.Status));
        Assert.Single(limited);
    }
}
