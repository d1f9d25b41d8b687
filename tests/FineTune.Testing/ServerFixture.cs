using FineTune.LocalServers;
using Xunit;

namespace FineTune.Testing;

/// <summary>
/// Starts a real server once for a test collection and stops it by PID when the collection ends,
/// deleting its data folder. Use through a collection fixture:
/// <c>[CollectionDefinition(RedisFixture.Collection)] public class RedisCollection : ICollectionFixture&lt;RedisFixture&gt;;</c>
/// </summary>
public static class TestServers
{
    /// <summary>
    /// Every server a test starts keeps its data here; scripts/check-no-servers-left.sh looks for
    /// processes that mention this folder after the run.
    /// </summary>
    public static string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "finetune-test-servers");
}

public abstract class ServerFixture<TServer>(TServer server) : IAsyncLifetime where TServer : LocalServer
{
    public TServer Server { get; } = server;

    public string ConnectionString => Server.ConnectionString;

    public Task InitializeAsync() => Server.StartAsync();

    public async Task DisposeAsync()
    {
        await Server.StopAsync();
        Server.DeleteData();
    }
}

public sealed class RedisFixture() : ServerFixture<RedisServer>(new RedisServer(TestServers.DataRoot))
{
    public const string Collection = "redis-server";
}

public sealed class RabbitMqFixture() : ServerFixture<RabbitMqServer>(new RabbitMqServer(TestServers.DataRoot))
{
    public const string Collection = "rabbitmq-server";
}

public sealed class AzuriteFixture() : ServerFixture<AzuriteServer>(new AzuriteServer(TestServers.DataRoot))
{
    public const string Collection = "azurite";
}
