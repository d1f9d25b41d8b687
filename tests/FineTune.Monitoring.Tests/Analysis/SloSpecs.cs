using FineTune.Contracts;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>Burn-rate alerts on SLOs: fire once on a burst, resolve once after recovery, never flap.</summary>
public sealed class SloSpecs
{
    private static readonly ModelRef BaseModel = new("support-bot", 0);

    [Fact]
    public async Task An_error_burst_pages_once_and_resolves_once_after_recovery_without_flapping()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();

        await app.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 30, 20, adapter: "billing"));
        await app.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 3, 20, new Traffic.Shift(Error: true), offset: 30, adapter: "billing"));
        var raised = Assert.Single(app.Published<AlertRaised>());
        Assert.Equal(("slo", "error_rate", "page", "billing"), (raised.Kind, raised.Objective, raised.Severity, raised.Adapter));
        Assert.Equal(BaseModel, raised.Model);

        // healthy again: the short windows clear first, the alert holds for its resolve time, then resolves
        await app.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 40, 20, offset: 33, adapter: "billing"));

        Assert.Single(app.Published<AlertRaised>());
        var resolved = Assert.Single(app.Published<AlertResolved>());
        Assert.Equal(raised.AlertId, resolved.AlertId);
        Assert.True(resolved.ResolvedAt >= Traffic.Start.AddMinutes(33 + 10), $"resolved at {resolved.ResolvedAt}");
        Assert.Empty(app.Published<DriftDetected>()); // the base model has no reference: drift is skipped
    }

    [Fact]
    public async Task Slow_answers_open_a_latency_alert_for_that_adapter_only()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();

        await app.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 6, 20, new Traffic.Shift(LatencyMs: 4000), adapter: "slow"));
        await app.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 6, 20, adapter: "fast", seed: 2));

        var raised = Assert.Single(app.Published<AlertRaised>());
        Assert.Equal(("latency_p95", "slow"), (raised.Objective, raised.Adapter));
        var live = app.Analysis.Live(BaseModel, 60);
        Assert.Contains(live.Points, p => p.P95LatencyMs > 2000);
    }
}
