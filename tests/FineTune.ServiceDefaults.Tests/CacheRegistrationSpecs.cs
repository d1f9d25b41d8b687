using System.Net;
using System.Text.Json;
using FineTune.LocalServers;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Redis;
using FineTune.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.ServiceDefaults.Tests;

[Collection(RedisFixture.Collection)]
public sealed class CacheRegistrationSpecs(RedisFixture redis)
{
    [Fact]
    public async Task A_configured_cache_is_shared_and_reported_ready()
    {
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?> { ["ConnectionStrings:cache"] = redis.ConnectionString })
            .AddServiceDefaults();
        Assert.True(builder.AddRedisCache());
        await using var app = await TestApp.StartAsync(builder);

        var client = app.Services.GetRequiredService<RedisClient>();
        Assert.Same(client, app.Services.GetRequiredService<RedisClient>());
        var key = $"defaults:{Guid.NewGuid():N}";
        await client.SetAsync(key, "value");
        Assert.Equal("value", await client.GetStringAsync(key));
        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task An_unreachable_cache_makes_the_service_unready_naming_the_endpoint()
    {
        var closedPort = FreePort.Next();
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = $"127.0.0.1:{closedPort},connectTimeout=500",
        }).AddServiceDefaults();
        builder.AddRedisCache();
        await using var app = await TestApp.StartAsync(builder);

        var response = await app.GetTestClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var cache = report.RootElement.GetProperty("checks").GetProperty("cache");
        Assert.Contains($"127.0.0.1:{closedPort}", cache.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public void A_malformed_cache_address_stops_start_up_naming_the_setting()
    {
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?> { ["ConnectionStrings:cache"] = "127.0.0.1:notaport" });

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddRedisCache());

        Assert.Equal("ConnectionStrings:cache", error.Setting);
    }

    [Fact]
    public void Without_a_cache_setting_nothing_is_registered()
    {
        var builder = TestApp.CreateBuilder();

        Assert.False(builder.AddRedisCache());
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(RedisClient));
    }
}
