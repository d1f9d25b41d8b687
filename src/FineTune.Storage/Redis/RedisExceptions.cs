namespace FineTune.Storage.Redis;

/// <summary>Base of every error the Redis client raises on purpose.</summary>
public class RedisException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The server could not be reached, refused the handshake, or the connection dropped. The message
/// names the endpoint (never the password). A command that was in flight when the connection dropped
/// may or may not have run on the server; the next command opens a new connection.
/// </summary>
public sealed class RedisConnectionException(string endpoint, string message, Exception? inner = null)
    : RedisException(message, inner)
{
    /// <summary>host:port of the server.</summary>
    public string Endpoint { get; } = endpoint;
}

/// <summary>The server answered a command with an error reply (<c>WRONGTYPE …</c>, <c>ERR …</c>).</summary>
public sealed class RedisServerException(string command, string serverMessage)
    : RedisException($"Redis {command} failed: {serverMessage}")
{
    /// <summary>The command that failed (its name only, never its arguments).</summary>
    public string Command { get; } = command;

    /// <summary>The server's error text, exactly as sent (<c>WRONGTYPE Operation against a key …</c>).</summary>
    public string ServerMessage { get; } = serverMessage;

    /// <summary>The error's first word when it is an upper-case code (<c>WRONGTYPE</c>, <c>ERR</c>, <c>NOSCRIPT</c>), else empty.</summary>
    public string ErrorCode
    {
        get
        {
            var end = ServerMessage.IndexOf(' ');
            var word = end < 0 ? ServerMessage : ServerMessage[..end];
            return word.Length > 0 && word.All(c => c is >= 'A' and <= 'Z' or '_' or '-') ? word : "";
        }
    }
}

/// <summary>The bytes on the wire are not valid RESP2; the connection is closed.</summary>
public sealed class RedisProtocolException(string message) : RedisException(message);
