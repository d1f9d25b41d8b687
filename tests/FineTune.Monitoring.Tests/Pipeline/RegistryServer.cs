extern alias registry;
using FineTune.Contracts;
using FineTune.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Monitoring.Tests.Pipeline;

/// <summary>The real registry service on a test server, with its own store and in-memory bus.</summary>
internal sealed class RegistryServer : WebApplicationFactory<registry::Program>
{
    private readonly TempDirectory _folder = new("registry");

    /// <summary>Hands every alias move the registry announces to <paramref name="relay"/>, as RabbitMQ would carry it to monitoring.</summary>
    public async Task RelayMovesAsync(Func<object, Task> relay)
    {
        var handle = Services.GetRequiredService<IBus>().ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, endpoint =>
        {
            endpoint.Handler<ModelPromoted>(c => relay(c.Message));
            endpoint.Handler<ModelRolledBack>(c => relay(c.Message));
        });
        await handle.Ready;
    }

    public Task PublishAsync(object message) => Services.GetRequiredService<IBus>().Publish(message);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", Path.Combine(_folder.Path, "artifacts"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
