extern alias registry;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using FineTune.Storage.Artifacts;
using Microsoft.Playwright;

namespace FineTune.Monitoring.Tests.Dashboard;

/// <summary>
/// The real monitoring service and the real registry on one real RabbitMQ, fed the
/// <see cref="DashboardScenario"/> through monitoring's bus, and Debian's Chromium driven by Playwright.
/// The registry registers and announces the versions and the first promotion itself, so what the
/// dashboard shows has travelled the same way as in production.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string AdminKey = "sk-dashboard-admin";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly RabbitMqFixture _rabbit = new();
    private readonly TempDirectory _folder = new("monitoring-dashboard");
    private IPlaywright? _playwright;

    public LoopbackApp<Program> Monitoring { get; private set; } = null!;

    public LoopbackApp<registry::Program> Registry { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient MonitoringClient { get; private set; } = null!;

    public HttpClient RegistryClient { get; private set; } = null!;

    public static string ScreenshotFolder => RepositoryFiles.PathOf(".artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        await _rabbit.InitializeAsync();
        Registry = new LoopbackApp<registry::Program>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = _rabbit.ConnectionString,
            ["Storage:Path"] = _folder.Path,
        });
        Monitoring = new LoopbackApp<Program>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = _rabbit.ConnectionString,
            // one artifact store for both, as in production: drift walks the registry's documents to the dataset
            ["Storage:Path"] = _folder.Path,
            ["Monitoring:RegistryUrl"] = Registry.Address.ToString(),
        });
        MonitoringClient = new HttpClient { BaseAddress = Monitoring.Address };
        RegistryClient = new HttpClient { BaseAddress = Registry.Address };

        var launch = LaunchBrowserAsync();
        await FeedScenarioAsync();
        await launch;
        Directory.CreateDirectory(ScreenshotFolder);
    }

    private async Task LaunchBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true });
    }

    // In the order the services would publish: the registry numbers versions in the order jobs complete,
    // and attaches an evaluation only to a version it has registered.
    private async Task FeedScenarioAsync()
    {
        await DatasetReference.WriteAsync(Monitoring.Services.GetRequiredService<IArtifactStore>());
        var bus = Monitoring.Services.GetRequiredService<IBus>();
        foreach (var message in DashboardScenario.Curation().Concat(DashboardScenario.Training(DashboardScenario.FirstJob))) await bus.Publish(message);
        await EventuallyAsync("the registry registered the first job's version", async () => (await RegistryVersionsAsync()).Count == 1);
        // a passing gate would promote on its own, racing the promotion below: the tests move production themselves
        using (var manual = await RegistryClient.PutAsJsonAsync($"api/registry/models/{DashboardScenario.ModelName}/policy", new { auto_promote_to = (string?)null }))
            manual.EnsureSuccessStatusCode();
        foreach (var message in DashboardScenario.Training(DashboardScenario.SecondJob).Concat(DashboardScenario.Training(DashboardScenario.RunningJob)))
            await bus.Publish(message);
        await EventuallyAsync("the registry registered the second job's version", async () => (await RegistryVersionsAsync()).Count == 2);
        foreach (var message in DashboardScenario.Evaluations()) await bus.Publish(message);
        // version 2 first, then 1: production has a version to roll back to, whichever test runs first
        foreach (var version in new[] { 2, 1 })
            await EventuallyAsync($"the registry promoted version {version} to production", async () =>
                (await RegistryClient.PostAsJsonAsync($"api/registry/models/{DashboardScenario.ModelName}/aliases/production/promote",
                    new { version, by = "dashboard-specs", reason = $"release {version}" })).IsSuccessStatusCode);
        foreach (var record in DashboardScenario.Traffic(DateTimeOffset.UtcNow)) await bus.Publish(record);

        await EventuallyAsync("monitoring saw both versions and the promotion", async () =>
        {
            var model = (await GetAsync("api/monitoring/models")).GetProperty("data").EnumerateArray()
                .FirstOrDefault(m => m.GetProperty("name").GetString() == DashboardScenario.ModelName);
            return model.ValueKind == JsonValueKind.Object && model.GetProperty("versions").GetArrayLength() == 2
                && model.GetProperty("aliases").TryGetProperty("production", out var production) && production.GetInt32() == 1;
        });
        await EventuallyAsync("monitoring recorded every training step", async () =>
            (await GetAsync($"api/monitoring/runs/{DashboardScenario.FirstJob}/curve")).GetProperty("points").GetArrayLength() == DashboardScenario.FirstJobSteps);
        await EventuallyAsync("monitoring counted every served request", async () =>
            (await GetAsync("api/monitoring/served")).GetProperty("data").EnumerateArray()
                .Sum(s => s.GetProperty("requests").GetInt32()) == DashboardScenario.TrafficMinutes * DashboardScenario.RequestsPerMinute);
    }

    private async Task<IReadOnlyList<int>> RegistryVersionsAsync()
    {
        var response = await RegistryClient.GetAsync($"api/registry/models/{DashboardScenario.ModelName}");
        if (!response.IsSuccessStatusCode) return [];
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("versions").EnumerateArray()
            .Select(v => v.GetProperty("version").GetInt32()).ToList();
    }

    /// <summary>GETs a monitoring API path and parses it.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await MonitoringClient.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Waits for a condition that events make true asynchronously; errors while waiting count as "not yet".</summary>
    public static async Task EventuallyAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or KeyNotFoundException or InvalidOperationException or JsonException)
            {
                last = e;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Timed out waiting until {what}.{(last is null ? "" : $" Last error: {last.Message}")}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        MonitoringClient?.Dispose();
        RegistryClient?.Dispose();
        Monitoring?.Dispose();
        Registry?.Dispose();
        await _rabbit.DisposeAsync();
        _folder.Dispose();
    }
}
