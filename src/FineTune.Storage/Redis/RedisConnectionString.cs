using System.Globalization;

namespace FineTune.Storage.Redis;

/// <summary>
/// The StackExchange.Redis connection-string format that Aspire passes in <c>ConnectionStrings__cache</c>:
/// <c>host[:port][,password=…][,user=…][,ssl=true][,sslHost=…][,defaultDatabase=N][,connectTimeout=ms][,name=…]</c>.
/// Options are case-insensitive. Tuning options that mean nothing to this single-connection client
/// (<c>abortConnect</c>, <c>syncTimeout</c>, …) are accepted and ignored; unknown options are an error.
/// Errors name the offending part but never echo the password.
/// </summary>
public sealed record RedisConnectionString
{
    public const int DefaultPort = 6379;
    public const int DefaultSslPort = 6380;

    private static readonly HashSet<string> IgnoredOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "abortConnect", "allowAdmin", "asyncTimeout", "syncTimeout", "connectRetry", "keepAlive",
        "resolveDns", "tiebreaker", "configCheckSeconds", "version", "responseTimeout",
    };

    public required string Host { get; init; }
    public int Port { get; init; } = DefaultPort;
    public string? User { get; init; }
    public string? Password { get; init; }
    public bool Ssl { get; init; }
    /// <summary>The name to validate the server certificate against; <see cref="Host"/> when null.</summary>
    public string? SslHost { get; init; }
    /// <summary>Database to SELECT after connecting; 0 (no SELECT) when null.</summary>
    public int? DefaultDatabase { get; init; }
    /// <summary>Limit for TCP connect, TLS and the AUTH/SELECT handshake together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Sent with <c>CLIENT SETNAME</c> (shows in <c>CLIENT LIST</c>).</summary>
    public string? ClientName { get; init; }

    /// <summary><c>host:port</c> (IPv6 hosts in brackets), for messages.</summary>
    public string Endpoint => $"{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static RedisConnectionString Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw Bad("it is empty; expected host:port[,password=…]");

        string? endpoint = null;
        int? explicitPort = null;
        string host = "";
        string? user = null, password = null, sslHost = null, clientName = null;
        bool ssl = false;
        int? database = null;
        var timeout = TimeSpan.FromSeconds(5);

        foreach (var rawPart in connectionString.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0) continue;
            var equals = part.IndexOf('=');
            if (equals < 0)
            {
                if (endpoint is not null)
                    throw Bad($"it names more than one endpoint ('{endpoint}' and '{part}'); this client connects to a single Redis server");
                endpoint = part;
                (host, explicitPort) = ParseEndpoint(part);
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "password": password = value.Length == 0 ? null : value; break;
                case "user": user = value.Length == 0 ? null : value; break;
                case "ssl": ssl = ParseBool(key, value); break;
                case "sslhost": sslHost = value.Length == 0 ? null : value; break;
                case "name": clientName = value.Length == 0 ? null : ParseClientName(value); break;
                case "defaultdatabase":
                    database = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var db)
                        ? db : throw Bad($"defaultDatabase '{value}' is not a non-negative integer");
                    break;
                case "connecttimeout":
                    timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
                        ? TimeSpan.FromMilliseconds(ms) : throw Bad($"connectTimeout '{value}' is not a positive number of milliseconds");
                    break;
                default:
                    if (key.Length == 0) throw Bad($"option {Describe(part)} has no name before '='");
                    if (!IgnoredOptions.Contains(key))
                        throw Bad($"option '{key}' is not supported (supported: password, user, ssl, sslHost, defaultDatabase, connectTimeout, name)");
                    break;
            }
        }

        if (endpoint is null) throw Bad("it has no endpoint; expected host:port first, e.g. 'localhost:6379'");
        return new RedisConnectionString
        {
            Host = host,
            Port = explicitPort ?? (ssl ? DefaultSslPort : DefaultPort),
            User = user,
            Password = password,
            Ssl = ssl,
            SslHost = sslHost,
            DefaultDatabase = database,
            ConnectTimeout = timeout,
            ClientName = clientName,
        };
    }

    /// <summary>The connection string in canonical form with the password masked; safe to log.</summary>
    public override string ToString()
    {
        var parts = new List<string> { Endpoint };
        if (User is not null) parts.Add($"user={User}");
        if (Password is not null) parts.Add("password=*****");
        if (Ssl) parts.Add("ssl=true");
        if (SslHost is not null) parts.Add($"sslHost={SslHost}");
        if (DefaultDatabase is { } db) parts.Add($"defaultDatabase={db.ToString(CultureInfo.InvariantCulture)}");
        parts.Add($"connectTimeout={((long)ConnectTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}");
        if (ClientName is not null) parts.Add($"name={ClientName}");
        return string.Join(',', parts);
    }

    private static (string Host, int? Port) ParseEndpoint(string endpoint)
    {
        string host;
        string? port;
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf(']');
            if (close < 0) throw Bad($"endpoint '{endpoint}' has '[' without ']'");
            host = endpoint[1..close];
            var rest = endpoint[(close + 1)..];
            if (rest.Length > 0 && !rest.StartsWith(':')) throw Bad($"endpoint '{endpoint}' has text after ']' that is not ':port'");
            port = rest.Length > 0 ? rest[1..] : null;
        }
        else if (endpoint.Count(c => c == ':') > 1)
        {
            (host, port) = (endpoint, null); // a bare IPv6 address
        }
        else
        {
            var colon = endpoint.IndexOf(':');
            (host, port) = colon < 0 ? (endpoint, null) : (endpoint[..colon], endpoint[(colon + 1)..]);
        }

        if (host.Length == 0) throw Bad($"endpoint '{endpoint}' has no host");
        if (host.Any(char.IsWhiteSpace)) throw Bad($"host '{host}' contains whitespace");
        if (port is null) return (host, null);
        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
            ? (host, number)
            : throw Bad($"port '{port}' in endpoint '{endpoint}' is not a number from 1 to 65535");
    }

    private static bool ParseBool(string key, string value) => bool.TryParse(value, out var result)
        ? result
        : throw Bad($"option '{key}' must be true or false, not '{value}'");

    private static string ParseClientName(string value) =>
        value.Any(c => c <= ' ' || c > '~') ? throw Bad("name may contain only printable ASCII without spaces") : value;

    // A part without a recognised key could be a password typed without 'password='; describe, don't echo.
    private static string Describe(string part) => $"of {part.Length} characters";

    private static ArgumentException Bad(string problem) =>
        new($"Invalid Redis connection string: {problem}.", "connectionString");
}
