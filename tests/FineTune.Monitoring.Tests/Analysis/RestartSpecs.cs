using System.Text.Json;
using FineTune.Contracts;
using FineTune.Monitoring.Analysis;
using FineTune.Testing;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>
/// A restart of the service — the app disposed, a second one started on the same storage — resumes
/// the analysis where it stopped: the same windows, open alerts and episodes, the same duplicates.
/// </summary>
public sealed class RestartSpecs
{
    private static readonly ModelRef BaseModel = new("support-bot", 0);

    [Fact]
    public async Task Live_drift_and_open_alerts_read_the_same_after_a_restart()
    {
        using var storage = new TempDirectory("monitoring-restart");
        string[] before;
        using (var first = new AnalysisApp(storage.Path))
        {
            await first.StartAsync();
            await first.ReplayMinutesAsync(Traffic.Minutes(AnalysisApp.Model, 6, 30, new Traffic.Shift(PromptScale: 2, UnseenTokens: 16)));
            before = await ViewsAsync(first);
        }
        using var second = new AnalysisApp(storage.Path);
        await second.StartAsync();

        var after = await ViewsAsync(second);

        Assert.Equal(before, after);
        var alerts = JsonDocument.Parse(after[2]).RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Contains(alerts, a => a.GetProperty("kind").GetString() == "drift" && !a.TryGetProperty("resolved_at", out _)); // open
        Assert.Equal("tickets:2", JsonDocument.Parse(after[1]).RootElement.GetProperty("reference").GetString());
        Assert.Equal(180, JsonDocument.Parse(after[0]).RootElement.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task An_slo_burning_across_a_restart_raises_one_alert_in_all_and_resolves_it_once_after_recovery()
    {
        using var storage = new TempDirectory("monitoring-restart");
        AlertRaised raised;
        using (var first = new AnalysisApp(storage.Path))
        {
            await first.StartAsync();
            await first.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 30, 20, adapter: "billing"));
            await first.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 3, 20, new Traffic.Shift(Error: true), offset: 30, adapter: "billing"));
            raised = Assert.Single(first.Published<AlertRaised>());
            Assert.Empty(first.Published<AlertResolved>());
        }
        using var second = new AnalysisApp(storage.Path);
        await second.StartAsync();

        await second.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 3, 20, new Traffic.Shift(Error: true), offset: 33, adapter: "billing"));
        Assert.Empty(second.Published<AlertRaised>());
        await second.ReplayMinutesAsync(Traffic.Minutes(BaseModel, 40, 20, offset: 36, adapter: "billing"));

        Assert.Empty(second.Published<AlertRaised>());
        var resolved = Assert.Single(second.Published<AlertResolved>());
        Assert.Equal(raised.AlertId, resolved.AlertId);
        Assert.True(resolved.ResolvedAt >= Traffic.Start.AddMinutes(36 + 10), $"resolved at {resolved.ResolvedAt}");
    }

    [Fact]
    public async Task A_request_seen_before_a_restart_is_still_a_duplicate_after_it()
    {
        using var storage = new TempDirectory("monitoring-restart");
        var minutes = Traffic.Minutes(AnalysisApp.Model, 3, 10).ToList();
        using (var first = new AnalysisApp(storage.Path))
        {
            await first.StartAsync();
            await first.ReplayAsync([.. minutes.SelectMany(m => m)]); // no evaluation: only the shutdown writes the snapshot
        }
        using var second = new AnalysisApp(storage.Path);
        await second.StartAsync();

        var outcomes = new List<RecordOutcome>();
        foreach (var record in minutes[1]) outcomes.Add(await second.Analysis.RecordAsync(record));

        Assert.All(outcomes, o => Assert.Equal(RecordOutcome.Duplicate, o));
        var served = Assert.Single(second.Analysis.Served());
        Assert.Equal(30, served.Requests);
        Assert.Equal([10L, 10L, 10L], second.Analysis.Live(AnalysisApp.Model, 60).Points.Select(p => p.Requests));
    }

    private static async Task<string[]> ViewsAsync(AnalysisApp app)
    {
        var client = app.CreateClient();
        return
        [
            await client.GetStringAsync("/api/monitoring/live?model=support-bot:1&minutes=60"),
            await client.GetStringAsync("/api/monitoring/drift?model=support-bot:1"),
            await client.GetStringAsync("/api/monitoring/alerts"),
        ];
    }
}
