using FineTune.AppHost.Hosting;
using FineTune.LocalServers;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

public sealed class InfrastructureSpecs
{
    [Fact]
    public async Task The_apphost_starts_rabbitmq_redis_and_azurite_and_leaves_nothing_running_after_stop()
    {
        // Under the tests' server root, so the leftover check after the run covers these servers too.
        var data = Path.Combine(TestServers.DataRoot, $"apphost-{Guid.NewGuid():N}");
        var builder = DistributedApplication.CreateBuilder(["--data", data]);
        var messaging = builder.AddRabbitMQ("messaging");
        var cache = builder.AddRedis("cache");
        var blobs = builder.AddAzurite("blobs");
        var output = new StringWriter();
        var app = builder.Build(TextWriter.Synchronized(output));

        int[] pids;
        try
        {
            await app.StartAsync(CancellationToken.None);
            pids = [.. app.Resources.Cast<ServerResource>().Select(r => r.Server.ProcessId!.Value)];
            foreach (var server in new[] { messaging.Server, cache.Server, blobs.Server })
                Assert.True(await FreePort.AcceptsAsync(server.Port, CancellationToken.None), $"{server.Name} does not accept connections");
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(data, recursive: true);
        }

        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"PID {pid} is still running"));
        var log = output.ToString();
        Assert.Contains("messaging | ready: ConnectionStrings__messaging=amqp://", log);
        Assert.Contains("cache     | ready: ConnectionStrings__cache=127.0.0.1:", log);
        Assert.Contains("AccountKey=***", log); // the storage key is never printed
        Assert.DoesNotContain(AzuriteServer.AccountKey, log);
    }

    [Fact]
    public void Two_resources_cannot_share_a_name()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddRedis("cache");

        var error = Assert.Throws<ArgumentException>(() => builder.AddRedis("cache"));
        Assert.Contains("'cache'", error.Message);
    }
}
