using System.Net;
using System.Net.Sockets;
using FineTune.AppHost.Hosting;
using FineTune.LocalServers;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

public sealed class PrerequisiteSpecs
{
    [Fact]
    public async Task A_missing_server_binary_is_named_with_its_install_command_and_nothing_starts()
    {
        var builder = DistributedApplication.CreateBuilder(["--data", Path.Combine(TestServers.DataRoot, $"apphost-{Guid.NewGuid():N}")]);
        var cache = builder.AddRedis("cache");
        builder.AddServer("sessions", new RedisServer(builder.DataRoot) { Executable = "/nonexistent/redis-server" });
        var output = new StringWriter();
        var app = builder.Build(TextWriter.Synchronized(output));

        var error = await Assert.ThrowsAsync<PrerequisitesMissingException>(() => app.StartAsync(CancellationToken.None));

        Assert.Contains("sessions: redis-server is not installed (looked for /nonexistent/redis-server)", error.Message);
        Assert.Contains("sudo apt-get install -y --no-install-recommends redis-server", error.Message);
        Assert.DoesNotContain("cache:", error.Message); // the installed one is not blamed
        Assert.Null(cache.Server.ProcessId);
        Assert.DoesNotContain("starting", output.ToString());
    }

    [Fact]
    public async Task A_port_in_use_is_named_and_nothing_starts()
    {
        var builder = DistributedApplication.CreateBuilder(["--data", Path.Combine(TestServers.DataRoot, $"apphost-{Guid.NewGuid():N}")]);
        var first = builder.AddRedis("first");
        var second = builder.AddRedis("second");
        using var squatter = new TcpListener(IPAddress.Loopback, second.Server.Port);
        squatter.Start();
        var app = builder.Build(TextWriter.Null);

        var error = await Assert.ThrowsAsync<PrerequisitesMissingException>(() => app.StartAsync(CancellationToken.None));

        Assert.Contains($"second: port {second.Server.Port} on 127.0.0.1 is already in use", error.Message);
        Assert.Null(first.Server.ProcessId);
    }

    [Fact]
    public async Task The_apphost_without_azurite_says_how_to_install_it_and_exits_before_starting_anything()
    {
        using var data = new TempDirectory("apphost");
        using var apphost = new AppHostProcess(["--data", data.Path], new Dictionary<string, string> { ["FINETUNE_TOOLS"] = "/nonexistent-tools" });

        Assert.Equal(1, await apphost.WaitForExitAsync());

        var output = apphost.Output;
        Assert.Contains("artifacts: azurite is not installed (looked for /nonexistent-tools/node_modules/.bin/azurite-blob)", output);
        Assert.Contains("(cd /nonexistent-tools && npm ci)", output);
        Assert.Contains("scripts/install-dependencies.sh", output);
        Assert.DoesNotContain("starting", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path)); // no server even made its data folder
    }
}
