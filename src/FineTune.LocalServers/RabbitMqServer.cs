using System.Diagnostics;
using System.Net.Sockets;

namespace FineTune.LocalServers;

/// <summary>
/// Debian's RabbitMQ as an isolated throwaway node: its own node name, ports, Erlang cookie (HOME),
/// data and logs, so several can run side by side. The <c>/usr/sbin</c> wrappers switch user and drop
/// RABBITMQ_* variables, so the real scripts in <c>/usr/lib/rabbitmq/bin</c> are called directly.
/// </summary>
public sealed class RabbitMqServer(string? dataRoot = null) : LocalServer("rabbitmq", dataRoot)
{
    private readonly int _distributionPort = FreePort.Next();
    private readonly int _epmdPort = FreePort.Next();

    public string ScriptsDirectory { get; init; } = "/usr/lib/rabbitmq/bin";

    /// <summary>Start the management plugin (web UI and HTTP API) on <see cref="ManagementPort"/>.</summary>
    public bool EnableManagement { get; init; }

    public int ManagementPort { get; } = FreePort.Next();

    public string NodeName => $"ft{Port}@localhost";

    /// <summary>An AMQP URI, as Aspire passes in <c>ConnectionStrings__messaging</c>.</summary>
    public override string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";

    protected override ProcessStartInfo CreateStartInfo()
    {
        var home = Path.Combine(DataDirectory, "home");
        Directory.CreateDirectory(home);
        var config = new List<string> { $"listeners.tcp.default = 127.0.0.1:{Port}", "loopback_users = none" };
        if (EnableManagement)
            config.AddRange([$"management.tcp.ip = 127.0.0.1", $"management.tcp.port = {ManagementPort}"]);
        File.WriteAllLines(Path.Combine(DataDirectory, "rabbitmq.conf"), config);
        File.WriteAllText(Path.Combine(DataDirectory, "enabled_plugins"), EnableManagement ? "[rabbitmq_management]." : "[].");
        File.WriteAllText(Path.Combine(DataDirectory, "rabbitmq-env.conf"), "");

        var start = new ProcessStartInfo(Path.Combine(ScriptsDirectory, "rabbitmq-server"));
        foreach (var (key, value) in Environment(home))
            start.Environment[key] = value;
        return start;
    }

    private Dictionary<string, string> Environment(string home) => new()
    {
        ["HOME"] = home,
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Port.ToString(),
        ["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["ERL_EPMD_PORT"] = _epmdPort.ToString(),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(DataDirectory, "data"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(DataDirectory, "log"),
        ["RABBITMQ_PID_FILE"] = NodePidFile,
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(DataDirectory, "enabled_plugins"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(DataDirectory, "rabbitmq"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(DataDirectory, "rabbitmq-env.conf"),
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        // Logs go to the console so the launcher (and the AppHost's dashboard) can show them.
        ["RABBITMQ_LOGS"] = "-",
    };

    /// <summary>Ready when the AMQP listener answers a protocol header with Connection.Start.</summary>
    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), cancellationToken);
        var frame = new byte[8];
        var read = await stream.ReadAsync(frame, cancellationToken);
        return read > 0 && frame[0] == 1; // frame type 1: a method frame (Connection.Start)
    }

    /// <summary>Where the node writes its Erlang VM's PID (<c>RABBITMQ_PID_FILE</c>).</summary>
    public string NodePidFile => Path.Combine(DataDirectory, "rabbit.pid");

    /// <summary>
    /// What the node leaves behind: the Erlang VM itself when the launcher script was killed on its own
    /// (kill -9 of the PID a resources page shows) — the VM is the script's child, outlives it and keeps
    /// the port, so a restart would fail — and epmd, a separate daemon, on its own port.
    /// </summary>
    protected override async Task AfterStopAsync()
    {
        await KillOrphanedNodeAsync();
        var epmd = new ProcessStartInfo(FindEpmd(), "-kill") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        epmd.Environment["ERL_EPMD_PORT"] = _epmdPort.ToString();
        epmd.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        using var process = Process.Start(epmd);
        if (process is not null) await process.WaitForExitAsync();
    }

    private async Task KillOrphanedNodeAsync()
    {
        if (!File.Exists(NodePidFile) || !int.TryParse((await File.ReadAllTextAsync(NodePidFile)).Trim(), out var pid)) return;
        try
        {
            using var node = Process.GetProcessById(pid);
            // a PID from an old file may belong to something else by now; only an Erlang VM is ours
            if (node.ProcessName.StartsWith("beam", StringComparison.Ordinal))
            {
                node.Kill();
                await node.WaitForExitAsync();
            }
        }
        catch (ArgumentException) { } // not running: the node stopped with its launcher
        File.Delete(NodePidFile);
    }

    private static string FindEpmd() => File.Exists("/usr/bin/epmd") ? "/usr/bin/epmd" : "epmd";
}
