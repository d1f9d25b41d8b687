using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Testing;

namespace FineTune.Registry.Tests;

[CollectionDefinition(Name)]
public sealed class RegistryInfrastructure : ICollectionFixture<RabbitMqFixture>, ICollectionFixture<AzuriteFixture>
{
    public const string Name = "registry-infrastructure";
}

/// <summary>
/// The registry on real RabbitMQ and Azurite: outcomes arrive over the broker, documents and ETags are
/// Azure Blob's — registration, promotion on a passing gate, rollback in one call, the twenty-way race,
/// and lineage from the version to the raw upload.
/// </summary>
[Collection(RegistryInfrastructure.Name)]
public sealed class RegistryIntegrationSpecs(RabbitMqFixture rabbit, AzuriteFixture azurite)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task The_registry_lifecycle_on_rabbitmq_and_azurite()
    {
        using var app = new RegistryApp(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = rabbit.ConnectionString,
            ["ConnectionStrings:artifacts"] = azurite.ConnectionString,
            ["Storage:Container"] = $"registry-{Guid.NewGuid():N}",
        });
        await app.ListenAsync();
        var client = app.CreateClient();
        await Outcomes.WriteDatasetAsync(app.Store);

        foreach (var job in new[] { "ftjob-a", "ftjob-b", "ftjob-c" })
        {
            await app.PublishAsync(Outcomes.Trained(job));
            await app.EventuallyAsync<ModelRegistered>(r => r.JobId == job);
        }
        await app.PublishAsync(Outcomes.Evaluated("ftjob-a", passed: true));
        Assert.Equal("production", (await app.EventuallyAsync<ModelPromoted>(p => p.Model.Version == 1)).Alias);
        await app.PublishAsync(Outcomes.Evaluated("ftjob-b", passed: true));
        Assert.Equal(1, (await app.EventuallyAsync<ModelPromoted>(p => p.Model.Version == 2)).PreviousVersion);
        await app.PublishAsync(Outcomes.Evaluated("ftjob-c", passed: true));
        await app.EventuallyAsync<ModelPromoted>(p => p.Model.Version == 3);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/rollback", new { by = "oncall", reason = "error rate" })).StatusCode);
        var rolledBack = await app.EventuallyAsync<ModelRolledBack>(r => r.FromVersion == 3);
        Assert.Equal(2, rolledBack.ToVersion);

        // twenty promotions of staging race, each decided on staging pointing at version 1
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/staging/promote", new { version = 1 })).StatusCode);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/staging/promote", new { version = 2 + i % 2, expected_version = 1 })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));

        var lineage = await Json(await client.GetAsync("/api/registry/models/support-bot/versions/2/lineage"));
        Assert.Equal("ftjob-b", lineage.GetProperty("model").GetProperty("job_id").GetString());
        Assert.Equal("tickets-raw.jsonl", lineage.GetProperty("sources")[0].GetProperty("filename").GetString());
        Assert.Contains(lineage.GetProperty("deployments").EnumerateArray(), d => d.GetProperty("alias").GetString() == "production" && d.GetProperty("current").GetBoolean());
        Assert.Equal(["support-bot", "support-bot:1", "support-bot:2", "support-bot:3"],
            (await Json(await client.GetAsync("/v1/models"))).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }
}
