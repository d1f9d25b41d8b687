// Why a hand-written client: StackExchange.Redis 2.x does not restore from this machine's package
// registry, and the 1.2.6 that does is a 2017 release. RESP2 is small, so FineTune speaks it itself
// (RespWriter / RespReader / RedisConnection) with the same one-multiplexed-connection model.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FineTune.Storage.Redis;

/// <summary>Condition for <see cref="RedisClient.SetAsync(string, byte[], TimeSpan?, SetCondition, CancellationToken)"/>.</summary>
public enum SetCondition
{
    Always,
    /// <summary><c>NX</c>: only when the key does not exist yet.</summary>
    IfNotExists,
    /// <summary><c>XX</c>: only when the key already exists.</summary>
    IfExists,
}

/// <summary>
/// A Redis client over one multiplexed connection: any number of concurrent callers share one socket,
/// their commands pipelined and their replies matched in order. Connects lazily (or eagerly through
/// <see cref="ConnectAsync"/>) and reconnects on the next command after the connection drops; commands
/// in flight when it drops fail with <see cref="RedisConnectionException"/>. Error replies throw
/// <see cref="RedisServerException"/>. Pub/Sub runs on a second, dedicated connection.
/// Blocking commands (BLPOP, …) hold up every command queued behind them; avoid them here.
/// Strings are UTF-8; byte[] overloads are binary-safe.
/// </summary>
public sealed class RedisClient : IAsyncDisposable
{
    private readonly Lock _sync = new();
    private readonly ConcurrentDictionary<string, string> _scriptHashes = new(StringComparer.Ordinal);
    private RedisConnection? _connection;
    private Task<RedisConnection>? _connecting;
    private RedisSubscriber? _subscriber;
    private volatile bool _disposed;

    public RedisClient(string connectionString) : this(RedisConnectionString.Parse(connectionString)) { }

    public RedisClient(RedisConnectionString options) => Options = options;

    /// <summary>Parses the connection string and connects now, so a bad address or password fails here.</summary>
    public static async Task<RedisClient> ConnectAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var client = new RedisClient(connectionString);
        try
        {
            await client.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public RedisConnectionString Options { get; }

    /// <summary>host:port of the server.</summary>
    public string Endpoint => Options.Endpoint;

    /// <summary>True while the command connection is open (false before the first command and after a drop).</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is { IsAlive: true };

    /// <summary>A Pub/Sub handler threw: the channel or pattern, and the exception. Delivery goes on.</summary>
    public event Action<string, Exception>? SubscriptionHandlerFailed;

    // ---- Commands -------------------------------------------------------------------------------

    /// <summary>PING; returns the round trip. Throws when the server cannot be reached: a readiness check.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var reply = await SendAsync("PING", ["PING"], cancellationToken).ConfigureAwait(false);
        if (reply.AsString() != "PONG") throw new RedisProtocolException($"PING was answered with {reply}.");
        return clock.Elapsed;
    }

    /// <summary>GET as bytes; null when the key does not exist.</summary>
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await SendAsync("GET", ["GET", key], cancellationToken).ConfigureAwait(false)).AsBytes();

    /// <summary>GET as UTF-8 text; null when the key does not exist.</summary>
    public async Task<string?> GetStringAsync(string key, CancellationToken cancellationToken = default) =>
        (await SendAsync("GET", ["GET", key], cancellationToken).ConfigureAwait(false)).AsString();

    /// <summary>
    /// SET, optionally expiring after <paramref name="expiry"/> (EX for whole seconds, else PX) and only
    /// <paramref name="when"/> the key does or does not exist. False when the condition stopped the write.
    /// </summary>
    public Task<bool> SetAsync(string key, byte[] value, TimeSpan? expiry = null, SetCondition when = SetCondition.Always,
        CancellationToken cancellationToken = default) =>
        SetCoreAsync(key, value, expiry, when, cancellationToken);

    /// <inheritdoc cref="SetAsync(string, byte[], TimeSpan?, SetCondition, CancellationToken)"/>
    public Task<bool> SetAsync(string key, string value, TimeSpan? expiry = null, SetCondition when = SetCondition.Always,
        CancellationToken cancellationToken = default) =>
        SetCoreAsync(key, value, expiry, when, cancellationToken);

    private async Task<bool> SetCoreAsync(string key, object value, TimeSpan? expiry, SetCondition when, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var args = new List<object>(6) { "SET", key, value };
        if (expiry is { } ttl)
        {
            var (wholeSeconds, amount) = SplitExpiry(ttl);
            args.Add(wholeSeconds ? "EX" : "PX");
            args.Add(amount);
        }
        if (when != SetCondition.Always) args.Add(when == SetCondition.IfNotExists ? "NX" : "XX");
        var reply = await SendAsync("SET", [.. args], cancellationToken).ConfigureAwait(false);
        return !reply.IsNil;
    }

    /// <summary>DEL; returns how many of the keys existed.</summary>
    public Task<long> DeleteAsync(params string[] keys) => DeleteAsync(keys, CancellationToken.None);

    /// <inheritdoc cref="DeleteAsync(string[])"/>
    public async Task<long> DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        object[] args = ["DEL", .. keys];
        if (args.Length == 1) throw new ArgumentException("DEL needs at least one key.", nameof(keys));
        return (await SendAsync("DEL", args, cancellationToken).ConfigureAwait(false)).AsInt64();
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        (await SendAsync("EXISTS", ["EXISTS", key], cancellationToken).ConfigureAwait(false)).AsInt64() > 0;

    /// <summary>INCR; returns the new value.</summary>
    public async Task<long> IncrementAsync(string key, CancellationToken cancellationToken = default) =>
        (await SendAsync("INCR", ["INCR", key], cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>INCRBY; returns the new value.</summary>
    public async Task<long> IncrementByAsync(string key, long delta, CancellationToken cancellationToken = default) =>
        (await SendAsync("INCRBY", ["INCRBY", key, delta], cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>EXPIRE (PEXPIRE for fractions of a second); false when the key does not exist.</summary>
    public async Task<bool> ExpireAsync(string key, TimeSpan expiry, CancellationToken cancellationToken = default)
    {
        var (wholeSeconds, amount) = SplitExpiry(expiry);
        var command = wholeSeconds ? "EXPIRE" : "PEXPIRE";
        return (await SendAsync(command, [command, key, amount], cancellationToken).ConfigureAwait(false)).AsInt64() == 1;
    }

    /// <summary>
    /// The key's remaining time to live (read with PTTL, millisecond precision); null when the key does
    /// not exist or has no expiry.
    /// </summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string key, CancellationToken cancellationToken = default)
    {
        var milliseconds = (await SendAsync("PTTL", ["PTTL", key], cancellationToken).ConfigureAwait(false)).AsInt64();
        return milliseconds < 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <summary>PUBLISH; returns how many subscribers received the message.</summary>
    public Task<long> PublishAsync(string channel, string message, CancellationToken cancellationToken = default) =>
        PublishCoreAsync(channel, message, cancellationToken);

    /// <inheritdoc cref="PublishAsync(string, string, CancellationToken)"/>
    public Task<long> PublishAsync(string channel, byte[] message, CancellationToken cancellationToken = default) =>
        PublishCoreAsync(channel, message, cancellationToken);

    private async Task<long> PublishCoreAsync(string channel, object message, CancellationToken cancellationToken) =>
        (await SendAsync("PUBLISH", ["PUBLISH", channel, message], cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>
    /// Runs a Lua script atomically. Sent as EVALSHA (the script's SHA-1 is cached client-side) and
    /// falls back to EVAL once when the server does not know it yet. Keys and arguments are passed
    /// as KEYS[] and ARGV[]. A script error (or <c>redis.error_reply</c>) throws <see cref="RedisServerException"/>.
    /// </summary>
    public async Task<RedisResult> EvaluateAsync(string script, IReadOnlyList<string>? keys = null, IReadOnlyList<object>? args = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(script);
        keys ??= [];
        args ??= [];
        var hash = _scriptHashes.GetOrAdd(script, static s => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(s))));
        try
        {
            return await SendAsync("EVALSHA", ["EVALSHA", hash, keys.Count, .. keys, .. args], cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.ErrorCode == "NOSCRIPT")
        {
            return await SendAsync("EVAL", ["EVAL", script, keys.Count, .. keys, .. args], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Any command: <c>ExecuteAsync("HSET", key, "field", value)</c>. Arguments as for <see cref="RespWriter"/>.</summary>
    public Task<RedisResult> ExecuteAsync(params object[] args) => ExecuteAsync(args, CancellationToken.None);

    /// <inheritdoc cref="ExecuteAsync(object[])"/>
    public Task<RedisResult> ExecuteAsync(IReadOnlyList<object> args, CancellationToken cancellationToken)
    {
        object[] array = [.. args];
        return SendAsync(RedisConnection.CommandName(array), array, cancellationToken);
    }

    // ---- Pub/Sub --------------------------------------------------------------------------------

    /// <summary>
    /// SUBSCRIBE on the dedicated Pub/Sub connection; returns once the server confirmed. The handler gets
    /// (channel, message) one at a time, in order. Dispose the result to unsubscribe.
    /// </summary>
    public Task<RedisSubscription> SubscribeAsync(string channel, Func<string, byte[], Task> handler,
        CancellationToken cancellationToken = default) =>
        Subscriber().SubscribeAsync(channel, isPattern: false, handler, cancellationToken);

    /// <inheritdoc cref="SubscribeAsync(string, Func{string, byte[], Task}, CancellationToken)"/>
    public Task<RedisSubscription> SubscribeAsync(string channel, Action<string, byte[]> handler,
        CancellationToken cancellationToken = default) =>
        SubscribeAsync(channel, Synchronous(handler), cancellationToken);

    /// <summary>PSUBSCRIBE: like <see cref="SubscribeAsync(string, Func{string, byte[], Task}, CancellationToken)"/> for a glob pattern (<c>news.*</c>); the handler gets the actual channel.</summary>
    public Task<RedisSubscription> PatternSubscribeAsync(string pattern, Func<string, byte[], Task> handler,
        CancellationToken cancellationToken = default) =>
        Subscriber().SubscribeAsync(pattern, isPattern: true, handler, cancellationToken);

    /// <inheritdoc cref="PatternSubscribeAsync(string, Func{string, byte[], Task}, CancellationToken)"/>
    public Task<RedisSubscription> PatternSubscribeAsync(string pattern, Action<string, byte[]> handler,
        CancellationToken cancellationToken = default) =>
        PatternSubscribeAsync(pattern, Synchronous(handler), cancellationToken);

    private static Func<string, byte[], Task> Synchronous(Action<string, byte[]> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (channel, message) =>
        {
            handler(channel, message);
            return Task.CompletedTask;
        };
    }

    private RedisSubscriber Subscriber()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _subscriber ??= new RedisSubscriber(Options, (name, error) => SubscriptionHandlerFailed?.Invoke(name, error));
        }
    }

    // ---- Connection -----------------------------------------------------------------------------

    private Task<RedisResult> SendAsync(string command, object[] args, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var payload = RespWriter.EncodeCommand(args);
        return Volatile.Read(ref _connection) is { IsAlive: true } connection
            ? connection.ExecuteAsync(command, payload, cancellationToken)
            : ConnectThenSendAsync(command, payload, cancellationToken);
    }

    private async Task<RedisResult> ConnectThenSendAsync(string command, byte[] payload, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(command, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The live connection, or the one being opened: concurrent callers share a single connect attempt.</summary>
    private Task<RedisConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        Task<RedisConnection> connecting;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { IsAlive: true } alive) return Task.FromResult(alive);
            if (_connecting is not { IsCompleted: false })
            {
                _connecting = ConnectCoreAsync();
                _ = _connecting.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            connecting = _connecting;
        }
        return connecting.WaitAsync(cancellationToken);
    }

    private async Task<RedisConnection> ConnectCoreAsync()
    {
        await Task.Yield(); // leave the caller's lock before doing any work
        var connection = await RedisConnection.ConnectAsync(Options, onPush: null, CancellationToken.None).ConfigureAwait(false);
        lock (_sync)
        {
            if (!_disposed)
            {
                Volatile.Write(ref _connection, connection);
                return connection;
            }
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        throw new ObjectDisposedException(nameof(RedisClient));
    }

    /// <summary>Whole seconds when the expiry is a whole number of seconds, else milliseconds (rounded up).</summary>
    private static (bool WholeSeconds, long Amount) SplitExpiry(TimeSpan expiry)
    {
        if (expiry <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(expiry), expiry, "An expiry must be positive.");
        return expiry.Ticks % TimeSpan.TicksPerSecond == 0
            ? (true, (long)expiry.TotalSeconds)
            : (false, (long)Math.Ceiling(expiry.TotalMilliseconds));
    }

    public async ValueTask DisposeAsync()
    {
        RedisConnection? connection;
        Task<RedisConnection>? connecting;
        RedisSubscriber? subscriber;
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
            (connection, connecting, subscriber) = (_connection, _connecting, _subscriber);
            _connection = null;
        }
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        if (subscriber is not null) await subscriber.DisposeAsync().ConfigureAwait(false);
        // A connect still in progress disposes its own connection when it sees _disposed.
        if (connecting is not null)
            await connecting.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).ConfigureAwait(false);
    }
}
