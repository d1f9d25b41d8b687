using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace FineTune.LocalServers;

/// <summary>Debian's <c>redis-server</c>, in memory only unless <see cref="AppendOnly"/> is set.</summary>
public sealed class RedisServer(string? dataRoot = null) : LocalServer("redis", dataRoot)
{
    public string Executable { get; init; } = "/usr/bin/redis-server";

    /// <summary>Persist every write to an append-only file (for durability tests).</summary>
    public bool AppendOnly { get; init; }

    /// <summary>host:port, the form Redis clients (and Aspire's <c>ConnectionStrings__cache</c>) use.</summary>
    public override string ConnectionString => $"127.0.0.1:{Port}";

    protected override ProcessStartInfo CreateStartInfo()
    {
        var start = new ProcessStartInfo(Executable);
        foreach (var arg in new[]
                 {
                     "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", DataDirectory,
                     "--save", "", "--appendonly", AppendOnly ? "yes" : "no", "--daemonize", "no",
                 })
            start.ArgumentList.Add(arg);
        return start;
    }

    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }
}
