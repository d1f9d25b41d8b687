using System.Net;
using System.Text.Json;
using FineTune.ServiceDefaults.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FineTune.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_is_unready_and_names_the_failing_dependency_while_alive_stays_ok()
    {
        var builder = TestApp.CreateBuilder().AddServiceDefaults();
        builder.Services.AddHealthChecks()
            .AddCheck("storage", () => HealthCheckResult.Unhealthy("container 'artifacts' unreachable"), [HealthExtensions.Ready])
            .AddCheck("cache", () => HealthCheckResult.Healthy(), [HealthExtensions.Ready]);
        await using var app = await TestApp.StartAsync(builder);
        var client = app.GetTestClient();

        var health = await client.GetAsync("/health");
        var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", report.RootElement.GetProperty("status").GetString());
        var storage = report.RootElement.GetProperty("checks").GetProperty("storage");
        Assert.Equal("container 'artifacts' unreachable", storage.GetProperty("description").GetString());
        Assert.Equal("Healthy", report.RootElement.GetProperty("checks").GetProperty("cache").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Health_is_ok_when_every_check_passes()
    {
        var builder = TestApp.CreateBuilder().AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck("cache", () => HealthCheckResult.Healthy(), [HealthExtensions.Ready]);
        await using var app = await TestApp.StartAsync(builder);

        var health = await app.GetTestClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task An_unhandled_error_becomes_a_problem_details_response_without_the_exception_text()
    {
        var builder = TestApp.CreateBuilder().AddServiceDefaults();
        await using var app = await TestApp.StartAsync(builder,
            a => a.MapGet("/boom", (HttpContext _) => { throw new InvalidOperationException("secret internals"); }));

        var response = await app.GetTestClient().GetAsync("/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(500, problem.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("secret internals", body);
    }

    [Fact]
    public async Task An_unknown_route_gets_a_problem_details_404()
    {
        await using var app = await TestApp.StartAsync(TestApp.CreateBuilder().AddServiceDefaults());

        var response = await app.GetTestClient().GetAsync("/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
