using System.Text;

namespace FineTune.Storage.Redis;

/// <summary>
/// The dedicated Pub/Sub connection of a <see cref="RedisClient"/> (a connection in subscribe mode
/// can run nothing else). Keeps a registry of local subscriptions: the server is sent SUBSCRIBE for the
/// first local subscriber to a name and UNSUBSCRIBE when the last one leaves. When the connection
/// drops, it reconnects in the background (50 ms backoff doubling to 5 s) and subscribes to every
/// registered name again; messages published in the gap are lost, as Pub/Sub is at-most-once.
/// </summary>
internal sealed class RedisSubscriber(RedisConnectionString options, Action<string, Exception> onHandlerError) : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1); // serializes connect / subscribe / unsubscribe
    private readonly Dictionary<string, RedisSubscription[]> _channels = new(StringComparer.Ordinal); // lock(_channels) guards both
    private readonly Dictionary<string, RedisSubscription[]> _patterns = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private RedisConnection? _connection; // replaced under _gate
    private volatile bool _disposed;

    public bool IsConnected => Volatile.Read(ref _connection) is { IsAlive: true };

    public async Task<RedisSubscription> SubscribeAsync(string name, bool isPattern, Func<string, byte[], Task> handler,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var subscription = new RedisSubscription(this, name, isPattern, handler);
        var added = false;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(RedisClient));
            var connection = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            added = true;
            if (Add(subscription))
                await connection.ExecuteAsync(cancellationToken, isPattern ? "PSUBSCRIBE" : "SUBSCRIBE", name).ConfigureAwait(false);
            return subscription;
        }
        catch
        {
            subscription.Abandon();
            if (added && Remove(subscription)) await UnsubscribeQuietlyAsync(name, isPattern).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task RemoveAsync(RedisSubscription subscription)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Remove(subscription)) await UnsubscribeQuietlyAsync(subscription.Name, subscription.IsPattern).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal void ReportHandlerFailure(string name, Exception error)
    {
        try { onHandlerError(name, error); }
        catch (Exception) { /* a failing error callback must not stop delivery */ }
    }

    // Under _gate. A lost connection took its server-side subscriptions with it, so errors are ignored;
    // a server that does not answer is given the connect timeout (its late reply is then dropped).
    private async Task UnsubscribeQuietlyAsync(string name, bool isPattern)
    {
        var connection = _connection;
        if (_disposed || connection is not { IsAlive: true }) return;
        using var timeout = new CancellationTokenSource(options.ConnectTimeout);
        try
        {
            await connection.ExecuteAsync(timeout.Token, isPattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", name).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or OperationCanceledException) { }
    }

    // Under _gate.
    private async Task<RedisConnection> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsAlive: true } alive) return alive;
        var connection = await RedisConnection.ConnectAsync(options, OnPush, cancellationToken).ConfigureAwait(false);
        try
        {
            List<(string Name, bool IsPattern)> names;
            lock (_channels)
                names = [.. _channels.Keys.Select(n => (n, false)), .. _patterns.Keys.Select(n => (n, true))];
            await Task.WhenAll(names.Select(n =>
                connection.ExecuteAsync(cancellationToken, n.IsPattern ? "PSUBSCRIBE" : "SUBSCRIBE", n.Name))).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        Volatile.Write(ref _connection, connection);
        _ = connection.Closed.ContinueWith(_ => OnClosed(connection), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return connection;
    }

    private void OnClosed(RedisConnection dead)
    {
        if (!_disposed && HasSubscriptions()) _ = ReconnectAsync(dead);
    }

    private async Task ReconnectAsync(RedisConnection dead)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                await Task.Delay(delay, _disposing.Token).ConfigureAwait(false);
                await _gate.WaitAsync(_disposing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                // Done when closing, when nothing is subscribed, or when a SubscribeAsync already reconnected.
                if (_disposed || !HasSubscriptions() || !ReferenceEquals(_connection, dead)) return;
                await EnsureConnectedAsync(_disposing.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception) when (!_disposed)
            {
                delay = delay * 2 < MaxBackoff ? delay * 2 : MaxBackoff;
            }
            catch (Exception)
            {
                return;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Called on the connection's reader loop: routes a message to its subscriptions' inboxes.</summary>
    private void OnPush(RedisResult push)
    {
        var items = push.AsArray()!;
        var isPattern = items.Count == 4;
        var name = Encoding.UTF8.GetString(items[1].AsBytes() ?? []);
        var channel = isPattern ? Encoding.UTF8.GetString(items[2].AsBytes() ?? []) : name;
        var message = items[^1].AsBytes() ?? [];
        RedisSubscription[]? targets;
        lock (_channels) (isPattern ? _patterns : _channels).TryGetValue(name, out targets);
        if (targets is null) return; // unsubscribed locally; the server's confirmation is on its way
        for (var i = 0; i < targets.Length; i++)
            targets[i].Post(channel, i == 0 ? message : (byte[])message.Clone()); // each handler owns its bytes
    }

    private bool HasSubscriptions()
    {
        lock (_channels) return _channels.Count > 0 || _patterns.Count > 0;
    }

    /// <summary>Registers; true when it is the first local subscriber to its name.</summary>
    private bool Add(RedisSubscription subscription)
    {
        lock (_channels)
        {
            var registry = subscription.IsPattern ? _patterns : _channels;
            var existing = registry.GetValueOrDefault(subscription.Name) ?? [];
            registry[subscription.Name] = [.. existing, subscription];
            return existing.Length == 0;
        }
    }

    /// <summary>Unregisters; true when it was the last local subscriber to its name.</summary>
    private bool Remove(RedisSubscription subscription)
    {
        lock (_channels)
        {
            var registry = subscription.IsPattern ? _patterns : _channels;
            if (!registry.TryGetValue(subscription.Name, out var existing) || !existing.Contains(subscription)) return false;
            var left = existing.Where(s => s != subscription).ToArray();
            if (left.Length > 0) registry[subscription.Name] = left;
            else registry.Remove(subscription.Name);
            return left.Length == 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            RedisSubscription[] all;
            lock (_channels)
            {
                all = [.. _channels.Values.SelectMany(s => s), .. _patterns.Values.SelectMany(s => s)];
                _channels.Clear();
                _patterns.Clear();
            }
            foreach (var subscription in all) subscription.Abandon();
            if (_connection is { } connection) await connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
