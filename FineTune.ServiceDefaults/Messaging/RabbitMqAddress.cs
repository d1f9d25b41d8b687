using Microsoft.Extensions.Configuration;

namespace FineTune.ServiceDefaults.Messaging;

/// <summary>
/// The broker named by <c>ConnectionStrings:messaging</c>, an AMQP URI as Aspire and Azure pass it:
/// <c>amqp[s]://user:password@host[:port][/vhost]</c>. Parsed up front so that a typo stops start-up
/// with a message instead of a connection loop.
/// </summary>
public sealed record RabbitMqAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls)
{
    private const string Setting = $"ConnectionStrings:{MessagingSettings.ConnectionStringName}";

    public static RabbitMqAddress? FromConfiguration(IConfiguration configuration) =>
        configuration.GetConnectionString(MessagingSettings.ConnectionStringName) is { Length: > 0 } value ? Parse(value) : null;

    public static RabbitMqAddress Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw new InvalidSettingException(Setting,
                $"'{Redacted(connectionString)}' is not an AMQP URI; expected amqp://user:password@host:port/vhost.");
        if (string.IsNullOrEmpty(uri.Host))
            throw new InvalidSettingException(Setting, "the AMQP URI has no host.");

        var tls = uri.Scheme == "amqps";
        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 5671 : 5672) : uri.Port;
        var userInfo = uri.UserInfo.Split(':', 2);
        var username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        var vhost = uri.AbsolutePath is "" or "/" ? "/" : Uri.UnescapeDataString(uri.AbsolutePath[1..]);
        return new RabbitMqAddress(uri.Host, (ushort)port, vhost, username, password, tls);
    }

    /// <summary>Shown in the broker's connection list, so an operator sees which service holds which connection.</summary>
    public string ConnectionName(string service) => $"{service}@{Environment.MachineName}";

    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Username}:***@{Host}:{Port}/{VirtualHost.TrimStart('/')}";

    private static string Redacted(string value)
    {
        var at = value.IndexOf('@');
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? value[..(scheme + 3)] + "***" + value[at..] : value;
    }
}
