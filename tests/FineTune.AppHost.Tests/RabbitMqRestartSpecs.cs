using FineTune.LocalServers;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

/// <summary>
/// RabbitMQ's launcher is a script whose child, the Erlang VM, is the broker. Killing the script alone
/// (the PID the resources page shows) must not leave the VM holding the port: the stop that the
/// supervisor runs before a restart ends it, and the broker comes back on its port.
/// </summary>
public sealed class RabbitMqRestartSpecs
{
    [Fact]
    public async Task A_broker_whose_launcher_script_was_killed_is_stopped_with_it_and_starts_again_on_its_port()
    {
        var server = new RabbitMqServer(TestServers.DataRoot);
        try
        {
            await server.StartAsync();
            var script = server.ProcessId!.Value;
            var node = int.Parse((await File.ReadAllTextAsync(server.NodePidFile)).Trim());
            Assert.NotEqual(script, node);

            Processes.Signal(script, "KILL");
            await Processes.EventuallyAsync(() => server.ProcessId is null, "the launcher script to exit");
            Assert.True(Processes.IsAlive(node), "the test needs the VM to outlive its script, as it does with Debian's rabbitmq-server");

            await server.StopAsync(); // what the AppHost's supervisor does before it restarts a crashed process
            Assert.False(Processes.IsAlive(node), $"the broker's VM (PID {node}) outlived the stop");

            await server.StartAsync();
            Assert.True(await FreePort.AcceptsAsync(server.Port, CancellationToken.None), "the restarted broker does not accept connections on its port");
        }
        finally
        {
            await server.StopAsync();
            server.DeleteData();
        }
    }
}
