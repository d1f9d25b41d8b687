using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Monitoring.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using static FineTune.Monitoring.Tests.Pipeline.PipelineEvents;

namespace FineTune.Monitoring.Tests.Pipeline;

public sealed class PipelinePromotionSpecs
{
    [Fact]
    public async Task Promote_and_rollback_move_the_real_registrys_production_alias_and_the_moves_come_back_as_history()
    {
        using var registry = new RegistryServer();
        await RegisterEvaluatedVersionAsync(registry, "ftjob-1", 1);
        await RegisterEvaluatedVersionAsync(registry, "ftjob-2", 2);
        using var monitoring = Monitoring(registry);
        await registry.RelayMovesAsync(monitoring.PublishAsync);
        var client = monitoring.Client();

        using (var first = await client.PostAsJsonAsync("/api/monitoring/models/support-bot/promote", new { version = 1, reason = "first release" }))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await client.PostAsJsonAsync("/api/monitoring/models/support-bot/promote", new { version = 2, reason = "better score" }))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            var promoted = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement; // the registry's own answer
            Assert.Equal(1, promoted.GetProperty("previous_version").GetInt32());
        }
        Assert.Equal(2, await RegistryAliasAsync(registry));

        using (var rollback = await client.PostAsJsonAsync("/api/monitoring/models/support-bot/rollback", new { reason = "regression" }))
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Equal(1, await RegistryAliasAsync(registry));

        await monitoring.ConsumedAsync(3, "Pipeline");
        var model = Assert.Single((await monitoring.JsonAsync("/api/monitoring/models")).GetProperty("data").EnumerateArray());
        Assert.Equal(1, model.GetProperty("aliases").GetProperty("production").GetInt32());
        Assert.Equal(["promoted", "promoted", "rolled_back"], model.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        Assert.Equal("regression", model.GetProperty("history")[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_refusal_by_the_registry_comes_back_with_its_status_and_body()
    {
        using var registry = new RegistryServer();
        await RegisterEvaluatedVersionAsync(registry, "ftjob-1", 1);
        using var monitoring = Monitoring(registry);

        using var response = await monitoring.Client().PostAsJsonAsync("/api/monitoring/models/support-bot/promote", new { version = 7 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("has no version 7", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_a_registry_address_promote_answers_503_naming_the_setting()
    {
        using var monitoring = new MonitoringApp();

        using var response = await monitoring.Client().PostAsJsonAsync("/api/monitoring/models/support-bot/promote", new { version = 1 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("Monitoring:RegistryUrl", error.GetProperty("param").GetString());
        Assert.Contains("Monitoring:RegistryUrl", error.GetProperty("message").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_promotion_without_a_version_is_refused_naming_the_field()
    {
        using var monitoring = new MonitoringApp(new Dictionary<string, string?> { [RegistryForwarder.Setting] = "http://127.0.0.1:9" });

        using var response = await monitoring.Client().PostAsJsonAsync("/api/monitoring/models/support-bot/promote", new { reason = "no version" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("version", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    // monitoring reaches the registry's test server through the "registry" client, as it would over the network
    private static MonitoringApp Monitoring(RegistryServer registry) => new(
        new Dictionary<string, string?> { [RegistryForwarder.Setting] = registry.Server.BaseAddress.ToString() },
        services: services => services.AddHttpClient(RegistryForwarder.ClientName).ConfigurePrimaryHttpMessageHandler(() => registry.Server.CreateHandler()));

    // training and evaluation, as the registry hears them: a version per job, each with a passed gate, and promotion left to people
    private static async Task RegisterEvaluatedVersionAsync(RegistryServer registry, string jobId, int version)
    {
        using var client = registry.CreateClient();
        await registry.PublishAsync(Completed(jobId));
        await UntilAsync(async () => (await client.GetAsync($"/api/registry/models/support-bot/versions/{version}")).IsSuccessStatusCode);
        using (var manual = await client.PutAsJsonAsync("/api/registry/models/support-bot/policy", new { auto_promote_to = (string?)null }))
            manual.EnsureSuccessStatusCode();
        await registry.PublishAsync(Evaluated(jobId, passed: true));
        await UntilAsync(async () =>
        {
            var view = JsonDocument.Parse(await client.GetStringAsync($"/api/registry/models/support-bot/versions/{version}")).RootElement;
            return view.TryGetProperty("evaluation", out var evaluation) && evaluation.ValueKind == JsonValueKind.Object;
        });
    }

    private static async Task<int> RegistryAliasAsync(RegistryServer registry)
    {
        using var client = registry.CreateClient();
        var view = JsonDocument.Parse(await client.GetStringAsync("/api/registry/models/support-bot")).RootElement;
        return view.GetProperty("model").GetProperty("aliases").GetProperty("production").GetInt32();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The registry did not get there.");
            await Task.Delay(20);
        }
    }
}
