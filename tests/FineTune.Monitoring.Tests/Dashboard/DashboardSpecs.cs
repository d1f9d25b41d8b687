using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using static FineTune.Monitoring.Tests.Dashboard.DashboardScenario;

namespace FineTune.Monitoring.Tests.Dashboard;

/// <summary>
/// Each dashboard page in Chromium against the running service fed a real pipeline's events: the charts
/// carry a point for every value the API holds, the pipeline reads end to end, and a promotion made with
/// the buttons moves the registry's alias. Every page leaves a screenshot in .artifacts/screenshots/.
/// </summary>
public sealed class DashboardSpecs(DashboardFixture services) : IClassFixture<DashboardFixture>
{
    static DashboardSpecs() => Assertions.SetDefaultExpectTimeout(15_000);

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await services.Browser.NewPageAsync(new BrowserNewPageOptions
        {
            BaseURL = services.Monitoring.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("body[data-loaded]");
        return page;
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ScreenshotFolder, $"{name}.png"), FullPage = true });
        await page.CloseAsync();
    }

    private static ILocator Points(IPage page, string chart, string series) =>
        page.Locator($"[data-chart=\"{chart}\"] g[data-series=\"{series}\"] circle.point");

    private static int Plotted(JsonElement points, string field) =>
        points.EnumerateArray().Count(p => p.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number);

    [Fact]
    public async Task The_pipeline_page_shows_every_run_from_dataset_to_deployment()
    {
        var page = await OpenAsync("dashboard/pipeline");
        var runs = (await services.GetAsync("api/monitoring/runs")).GetProperty("data");

        await Assertions.Expect(page.Locator("article.run")).ToHaveCountAsync(3);
        var first = page.Locator($"article.run[data-job=\"{FirstJob}\"]");
        await Assertions.Expect(first.Locator("[data-stage=dataset]")).ToContainTextAsync($"{Dataset.DatasetId}:{Dataset.Version}");
        await Assertions.Expect(first.Locator("[data-stage=job] .badge")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(first.Locator("[data-stage=evaluation] .badge")).ToHaveTextAsync("passed");
        await Assertions.Expect(first.Locator("[data-stage=registry]")).ToContainTextAsync($"{ModelName}:1");
        var serving = runs.EnumerateArray().Single(r => r.GetProperty("aliases").EnumerateArray().Any(a => a.GetString() == "production"));
        var aliases = serving.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!).ToArray();
        await Assertions.Expect(page.Locator($"article.run[data-job=\"{serving.GetProperty("job_id").GetString()}\"] [data-stage=deployment] .badge"))
            .ToHaveTextAsync(aliases);
        var running = page.Locator($"article.run[data-job=\"{RunningJob}\"]");
        await Assertions.Expect(running.Locator("[data-stage=job] .badge")).ToHaveTextAsync("running");
        await Assertions.Expect(running.Locator("[data-stage=registry]")).ToContainTextAsync("not registered");
        await SaveScreenshotAsync(page, "pipeline");
    }

    [Fact]
    public async Task The_training_page_draws_a_point_for_every_published_step_of_the_chosen_job()
    {
        var page = await OpenAsync($"dashboard/training?job={FirstJob}");

        await Assertions.Expect(Points(page, "loss", "train loss")).ToHaveCountAsync(FirstJobSteps);
        await Assertions.Expect(Points(page, "loss", "validation loss")).ToHaveCountAsync(ValidationPoints(FirstJobSteps));
        await Assertions.Expect(page.Locator("[data-chart=loss] path.series")).ToHaveCountAsync(2);
        await Assertions.Expect(Points(page, "learning-rate", "learning rate")).ToHaveCountAsync(FirstJobSteps);
        await SaveScreenshotAsync(page, "training");
    }

    [Fact]
    public async Task Choosing_another_job_redraws_the_curves_with_its_steps()
    {
        var page = await OpenAsync($"dashboard/training?job={FirstJob}");
        await Assertions.Expect(Points(page, "loss", "train loss")).ToHaveCountAsync(FirstJobSteps);

        await page.GetByLabel("Training job").SelectOptionAsync(SecondJob);

        await Assertions.Expect(Points(page, "loss", "train loss")).ToHaveCountAsync(SecondJobSteps);
        Assert.Contains($"job={SecondJob}", page.Url);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_evaluations_page_shows_each_report_with_its_verdict_and_metric_trends()
    {
        var page = await OpenAsync("dashboard/evaluations");

        await Assertions.Expect(page.Locator("article.report")).ToHaveCountAsync(Evaluations().Count());
        await Assertions.Expect(page.Locator($"article.report[data-evaluation=\"eval-{FirstJob}\"] .badge")).ToHaveTextAsync("passed");
        await Assertions.Expect(page.Locator("[data-chart=\"metric-task_score\"] circle.point")).ToHaveCountAsync(Evaluations().Count());
        await SaveScreenshotAsync(page, "evaluations");
    }

    [Fact]
    public async Task The_live_page_charts_every_minute_the_model_served()
    {
        var model = $"{ModelName}:1";
        var page = await OpenAsync($"dashboard/live?model={Uri.EscapeDataString(model)}");
        var points = (await services.GetAsync($"api/monitoring/live?model={Uri.EscapeDataString(model)}&minutes=60")).GetProperty("points");
        Assert.True(Plotted(points, "requests") >= TrafficMinutes, $"The live API holds {Plotted(points, "requests")} minutes with requests; {TrafficMinutes} were served.");

        await Assertions.Expect(Points(page, "latency", "p50 ms")).ToHaveCountAsync(Plotted(points, "p50_latency_ms"));
        await Assertions.Expect(Points(page, "latency", "p95 ms")).ToHaveCountAsync(Plotted(points, "p95_latency_ms"));
        await Assertions.Expect(Points(page, "throughput", "requests/min")).ToHaveCountAsync(Plotted(points, "requests"));
        await Assertions.Expect(Points(page, "error-rate", "error rate")).ToHaveCountAsync(Plotted(points, "error_rate"));
        await Assertions.Expect(Points(page, "cache-hits", "cache-hit ratio")).ToHaveCountAsync(Plotted(points, "cache_hit_ratio"));
        await Assertions.Expect(page.Locator("[data-chart=latency] line.threshold")).ToHaveCountAsync(1);
        await SaveScreenshotAsync(page, "live");
    }

    [Fact]
    public async Task The_drift_page_draws_each_statistic_with_its_threshold_line()
    {
        var model = $"{ModelName}:1";
        var page = await OpenAsync($"dashboard/drift?model={Uri.EscapeDataString(model)}");
        var metrics = (await services.GetAsync($"api/monitoring/drift?model={Uri.EscapeDataString(model)}")).GetProperty("metrics").EnumerateArray().ToList();
        Assert.Contains(metrics, m => m.GetProperty("points").GetArrayLength() > 0);

        await Assertions.Expect(page.Locator("section.chart-card")).ToHaveCountAsync(metrics.Count);
        foreach (var metric in metrics.Where(m => m.GetProperty("points").GetArrayLength() > 0))
        {
            var chart = $"{metric.GetProperty("metric").GetString()}-{metric.GetProperty("window").GetString()}";
            await Assertions.Expect(Points(page, chart, metric.GetProperty("metric").GetString()!)).ToHaveCountAsync(Plotted(metric.GetProperty("points"), "value"));
            await Assertions.Expect(page.Locator($"[data-chart=\"{chart}\"] line.threshold")).ToHaveCountAsync(1);
        }
        await SaveScreenshotAsync(page, "drift");
    }

    [Fact]
    public async Task The_alerts_page_lists_the_open_alerts_apart_from_the_resolved()
    {
        var page = await OpenAsync("dashboard/alerts");
        var alerts = (await services.GetAsync("api/monitoring/alerts")).GetProperty("data").EnumerateArray().ToList();
        var open = alerts.Count(a => !a.TryGetProperty("resolved_at", out var at) || at.ValueKind == JsonValueKind.Null);
        Assert.True(open > 0, "One request in six failed, far past the 0.1% error-rate objective, yet no alert is open.");

        await Assertions.Expect(page.Locator("#open-alerts article.alert")).ToHaveCountAsync(open);
        await Assertions.Expect(page.Locator("#resolved-alerts article.alert")).ToHaveCountAsync(alerts.Count - open);
        await Assertions.Expect(page.Locator("#open-title")).ToHaveTextAsync($"Open ({open})");
        await SaveScreenshotAsync(page, "alerts");
    }

    [Fact]
    public async Task Promoting_and_rolling_back_with_the_buttons_moves_the_production_alias()
    {
        var before = await RegistryProductionAsync();
        var target = before == 1 ? 2 : 1;
        var page = await OpenAsync("dashboard/registry");
        var card = page.Locator($"article.model[data-model=\"{ModelName}\"]");
        await Assertions.Expect(card.Locator(".aliases")).ToContainTextAsync($"production → v{before}");
        await page.GetByLabel("API key").FillAsync(DashboardFixture.AdminKey);
        await page.GetByLabel("API key").PressAsync("Tab");
        await card.GetByLabel("Version").SelectOptionAsync(target.ToString());
        await card.GetByLabel("Reason").FillAsync("better task score");

        var request = await page.RunAndWaitForRequestAsync(() => card.GetByRole(AriaRole.Button, new() { Name = "Promote" }).ClickAsync(),
            r => r.Url.EndsWith($"/api/monitoring/models/{ModelName}/promote", StringComparison.Ordinal));
        Assert.Equal($"Bearer {DashboardFixture.AdminKey}", await request.HeaderValueAsync("authorization"));
        Assert.Equal(target, JsonDocument.Parse(request.PostData!).RootElement.GetProperty("version").GetInt32());
        await Assertions.Expect(card.Locator(".result")).ToHaveTextAsync($"production now points at {ModelName}:{target}.");
        await Assertions.Expect(card.Locator(".aliases")).ToContainTextAsync($"production → v{target}");
        Assert.Equal(target, await RegistryProductionAsync());
        await SaveScreenshotAsync(page, "registry");
    }

    [Fact]
    public async Task Rollback_moves_production_back_to_the_version_it_replaced()
    {
        var page = await OpenAsync("dashboard/registry");
        var card = page.Locator($"article.model[data-model=\"{ModelName}\"]");
        var before = await RegistryProductionAsync();
        await Assertions.Expect(card.Locator(".aliases")).ToContainTextAsync($"production → v{before}");

        await card.GetByRole(AriaRole.Button, new() { Name = "Rollback" }).ClickAsync();

        await Assertions.Expect(card.Locator(".result.ok")).ToContainTextAsync($"Rolled production back from version {before}");
        var after = await RegistryProductionAsync();
        Assert.NotEqual(before, after);
        await Assertions.Expect(card.Locator(".aliases")).ToContainTextAsync($"production → v{after}");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_dashboard_loads_nothing_from_outside_the_service()
    {
        var page = await services.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = services.Monitoring.Address.ToString() });
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        foreach (var name in new[] { "pipeline", "training", "evaluations", "registry", "live", "drift", "alerts" })
        {
            await page.GotoAsync($"dashboard/{name}");
            await page.WaitForSelectorAsync("body[data-loaded]");
        }

        Assert.NotEmpty(requested);
        Assert.All(requested, url => Assert.StartsWith(services.Monitoring.Address.ToString(), url, StringComparison.Ordinal));
        using var missing = await services.MonitoringClient.GetAsync("dashboard/assets/nothing-here.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await page.CloseAsync();
    }

    private async Task<int> RegistryProductionAsync()
    {
        using var response = await services.RegistryClient.GetAsync($"api/registry/models/{ModelName}");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("model").GetProperty("aliases").GetProperty("production").GetInt32();
    }
}
