using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Monitoring.Analysis;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>Drift of a version against its dataset card's reference, replayed through the consumer.</summary>
public sealed class DriftSpecs
{
    [Fact]
    public async Task Prompts_twice_as_long_with_tokens_outside_the_reference_raise_drift_and_a_drift_alert()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();

        await app.ReplayMinutesAsync(Traffic.Minutes(AnalysisApp.Model, 6, 30, new Traffic.Shift(PromptScale: 2, UnseenTokens: 16)));

        var detected = app.Published<DriftDetected>();
        Assert.Contains(detected, d => d.Metric == DriftMetrics.PromptLengthPsi && d.Window == "15m" && d.Value > 0.2);
        Assert.Contains(detected, d => d.Metric == DriftMetrics.UnseenTokenRate && d.Window == "1h");
        Assert.Contains(detected, d => d.Metric == DriftMetrics.TokenJsDivergence);
        Assert.DoesNotContain(detected, d => d.Metric is DriftMetrics.CompletionLengthPsi or DriftMetrics.RefusalRate or DriftMetrics.TruncationRate);
        Assert.All(detected, d => Assert.Equal(AnalysisApp.Dataset, d.Reference));
        Assert.Equal(detected.Count, detected.Select(d => (d.Metric, d.Window)).Distinct().Count()); // once per episode
        Assert.Equal(detected.Count, app.Published<AlertRaised>().Count(a => a.Kind == "drift"));

        var client = app.CreateClient();
        var drift = JsonDocument.Parse(await client.GetStringAsync("/api/monitoring/drift?model=support-bot:1")).RootElement;
        Assert.Equal("tickets:2", drift.GetProperty("reference").GetString());
        var psi = drift.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "prompt_length_psi" && m.GetProperty("window").GetString() == "15m");
        Assert.Equal(0.2, psi.GetProperty("threshold").GetDouble());
        Assert.True(psi.GetProperty("points").EnumerateArray().Last().GetProperty("value").GetDouble() > 0.2);
        var alerts = JsonDocument.Parse(await client.GetStringAsync("/api/monitoring/alerts")).RootElement.GetProperty("data");
        Assert.Contains(alerts.EnumerateArray(), a => a.GetProperty("kind").GetString() == "drift" && a.GetProperty("objective").GetString() == "prompt_length_psi");
    }

    [Fact]
    public async Task Answers_cut_off_at_their_token_limit_raise_truncation_drift_and_nothing_about_the_inputs()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();

        await app.ReplayMinutesAsync(Traffic.Minutes(AnalysisApp.Model, 6, 30, new Traffic.Shift(Truncated: true)));

        var detected = app.Published<DriftDetected>();
        Assert.Contains(detected, d => d.Metric == DriftMetrics.TruncationRate && d.Window == "15m" && d.Value == 1.0);
        Assert.DoesNotContain(detected, d => d.Metric is DriftMetrics.PromptLengthPsi or DriftMetrics.TokenJsDivergence or DriftMetrics.UnseenTokenRate);
    }

    [Fact]
    public async Task A_replay_drawn_from_the_reference_raises_nothing()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();

        await app.ReplayMinutesAsync(Traffic.Minutes(AnalysisApp.Model, 12, 30));

        Assert.Empty(app.Published<DriftDetected>());
        Assert.Empty(app.Published<AlertRaised>());
        var drift = app.Analysis.Drift(AnalysisApp.Model);
        Assert.All(drift.Metrics.Where(m => m.Points.Count > 0), m => Assert.True(m.Points[^1].Value < m.Threshold / 2, $"{m.Metric} {m.Window} = {m.Points[^1].Value}"));
        Assert.Contains(drift.Metrics, m => m.Metric == DriftMetrics.TokenJsDivergence && m.Points.Count > 0);
    }

    [Fact]
    public async Task Sustained_drift_under_a_retrain_policy_requests_exactly_one_retraining_of_the_versions_dataset()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();
        var put = await app.CreateClient().PutAsJsonAsync("/api/monitoring/policies/support-bot", new { sustained_action = "retrain", sustained_evaluations = 3 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        await app.ReplayMinutesAsync(Traffic.Minutes(AnalysisApp.Model, 15, 30, new Traffic.Shift(PromptScale: 2)));

        var request = Assert.Single(app.Published<RetrainingRequested>());
        Assert.Equal(AnalysisApp.Model, request.Model);
        Assert.Equal(AnalysisApp.Dataset, request.CurrentDataset);
        Assert.Contains("prompt_length_psi", request.Reason);
        Assert.Empty(app.Published<RollbackRecommended>());
    }

    [Fact]
    public async Task Drift_shorter_than_the_policys_sustained_evaluations_requests_no_retraining()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();
        await app.CreateClient().PutAsJsonAsync("/api/monitoring/policies/support-bot", new { sustained_action = "retrain", sustained_evaluations = 30 });

        await app.ReplayMinutesAsync(Traffic.Minutes(AnalysisApp.Model, 10, 30, new Traffic.Shift(PromptScale: 2)));

        Assert.NotEmpty(app.Published<DriftDetected>());
        Assert.Empty(app.Published<RetrainingRequested>());
    }
}
