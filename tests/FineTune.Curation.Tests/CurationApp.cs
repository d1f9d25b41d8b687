using System.ClientModel;
using System.ClientModel.Primitives;
using FineTune.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI;
using OpenAI.Files;

namespace FineTune.Curation.Tests;

/// <summary>
/// The curation service's real Program on a test server, with the settings a test gives it: by
/// default the embedded hosting (in-memory bus, artifacts in a temporary folder); with a RabbitMQ or
/// Azurite connection string, the real servers.
/// </summary>
public sealed class CurationApp(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    private readonly TempDirectory _storage = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", _storage.Path);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    /// <summary>OpenAI's own .NET client, talking to this server.</summary>
    public OpenAIFileClient OpenAiFiles() => new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions
    {
        Endpoint = new Uri(Server.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(CreateClient()),
    }).GetOpenAIFileClient();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _storage.Dispose();
    }
}
