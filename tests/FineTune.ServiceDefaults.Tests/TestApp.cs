using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace FineTune.ServiceDefaults.Tests;

/// <summary>A minimal service built the way every FineTune service is, on an in-process test server.</summary>
internal static class TestApp
{
    public static WebApplicationBuilder CreateBuilder(IDictionary<string, string?>? settings = null, string applicationName = "FineTune.ServiceDefaults.Tests")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = applicationName,
        });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        return builder;
    }

    public static async Task<WebApplication> StartAsync(WebApplicationBuilder builder, Action<WebApplication>? map = null)
    {
        var app = builder.Build();
        app.MapDefaultEndpoints();
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }
}
