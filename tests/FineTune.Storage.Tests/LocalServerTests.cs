using FineTune.LocalServers;
using FineTune.Testing;

namespace FineTune.Storage.Tests;

public sealed class LocalServerTests
{
    [Fact]
    public async Task Redis_starts_on_a_free_port_and_is_gone_after_stop()
    {
        var server = new RedisServer(TestServers.DataRoot);
        await server.StartAsync();
        var pid = server.ProcessId;
        Assert.NotNull(pid);
        Assert.True(await FreePort.AcceptsAsync(server.Port, CancellationToken.None));

        await server.StopAsync();
        server.DeleteData();

        Assert.Null(server.ProcessId);
        Assert.False(ProcessIsAlive(pid.Value), $"redis-server (PID {pid}) is still running after StopAsync");
        Assert.False(Directory.Exists(server.DataDirectory));
    }

    [Fact]
    public async Task A_missing_binary_is_a_clear_error_naming_the_install_script()
    {
        var server = new RedisServer(TestServers.DataRoot) { Executable = "/nonexistent/redis-server" };
        var error = await Assert.ThrowsAsync<LocalServerException>(() => server.StartAsync());
        Assert.Contains("/nonexistent/redis-server", error.Message);
        Assert.Contains("install-dependencies.sh", error.Message);
    }

    private static bool ProcessIsAlive(int pid) => Directory.Exists($"/proc/{pid}") &&
        !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);
}
