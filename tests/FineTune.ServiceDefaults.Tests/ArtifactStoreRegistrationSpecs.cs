using System.Net;
using System.Text;
using System.Text.Json;
using FineTune.LocalServers;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.ServiceDefaults.Tests;

[Collection(AzuriteFixture.Collection)]
public sealed class ArtifactStoreRegistrationSpecs(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_connection_string_selects_blob_storage_and_reports_it_ready()
    {
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:artifacts"] = azurite.ConnectionString,
            ["Storage:Container"] = "defaults-spec",
        }).AddServiceDefaults();
        builder.AddArtifactStore();
        await using var app = await TestApp.StartAsync(builder);

        var store = app.Services.GetRequiredService<IArtifactStore>();
        Assert.StartsWith("azure-blob ", store.Description);
        Assert.EndsWith("/defaults-spec", store.Description);
        var key = $"specs/{Guid.NewGuid():N}.txt";
        await store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes("stored")));
        Assert.Equal(6, (await store.GetInfoAsync(key))!.Length);
        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Without_a_connection_string_artifacts_go_to_the_configured_folder()
    {
        using var folder = new TempDirectory();
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?> { ["Storage:Path"] = folder.Path }).AddServiceDefaults();
        builder.AddArtifactStore();
        await using var app = await TestApp.StartAsync(builder);

        var store = app.Services.GetRequiredService<IArtifactStore>();
        await store.PutAsync("datasets/a.jsonl", new MemoryStream([1, 2, 3]));

        Assert.Contains(folder.Path, store.Description);
        Assert.NotEmpty(Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories));
        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Unreachable_blob_storage_makes_the_service_unready_but_alive()
    {
        var closedPort = FreePort.Next();
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:artifacts"] = azurite.ConnectionString.Replace($":{azurite.Server.Port}", $":{closedPort}"),
        }).AddServiceDefaults();
        builder.AddArtifactStore();
        await using var app = await TestApp.StartAsync(builder);

        var response = await app.GetTestClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", report.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/alive")).StatusCode);
    }

    [Theory]
    [InlineData("ConnectionStrings:artifacts", "AccountName=x;BlobEndpoint=http://127.0.0.1:1/x")]
    [InlineData("Storage:Container", "Not_A_Container")]
    public void A_malformed_setting_stops_start_up_naming_it(string setting, string value)
    {
        var values = new Dictionary<string, string?> { [setting] = value };
        if (setting == "Storage:Container") values["ConnectionStrings:artifacts"] = azurite.ConnectionString;
        var builder = TestApp.CreateBuilder(values);

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddArtifactStore());

        Assert.Equal(setting, error.Setting);
    }
}
