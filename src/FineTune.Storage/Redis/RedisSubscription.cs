using System.Threading.Channels;

namespace FineTune.Storage.Redis;

/// <summary>
/// One handler subscribed to a channel (or pattern). Messages are delivered to the handler one at a
/// time, in the order the server sent them, on a loop of its own so a slow handler never stalls the
/// connection. Disposing unsubscribes (when it is the last local subscriber to that name) and, unless
/// called from inside the handler, waits for a running handler to finish; no message is delivered after.
/// </summary>
public sealed class RedisSubscription : IAsyncDisposable
{
    private static readonly AsyncLocal<RedisSubscription?> Delivering = new();
    private readonly Channel<(string Channel, byte[] Message)> _inbox =
        Channel.CreateUnbounded<(string, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RedisSubscriber _owner;
    private readonly Func<string, byte[], Task> _handler;
    private readonly Task _delivery;
    private int _disposed;

    internal RedisSubscription(RedisSubscriber owner, string name, bool isPattern, Func<string, byte[], Task> handler)
    {
        _owner = owner;
        Name = name;
        IsPattern = isPattern;
        _handler = handler;
        _delivery = Task.Run(DeliverAsync);
    }

    /// <summary>The channel, or the glob pattern for a pattern subscription.</summary>
    public string Name { get; }

    public bool IsPattern { get; }

    internal void Post(string channel, byte[] message) => _inbox.Writer.TryWrite((channel, message));

    /// <summary>Stops delivery without talking to the server (the subscriber is closing or never subscribed).</summary>
    internal void Abandon()
    {
        Volatile.Write(ref _disposed, 1);
        _inbox.Writer.TryComplete();
    }

    private async Task DeliverAsync()
    {
        Delivering.Value = this;
        await foreach (var (channel, message) in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (Volatile.Read(ref _disposed) != 0) break;
            try
            {
                await _handler(channel, message).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _owner.ReportHandlerFailure(Name, e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _inbox.Writer.TryComplete();
        await _owner.RemoveAsync(this).ConfigureAwait(false);
        if (Delivering.Value != this) await _delivery.ConfigureAwait(false);
    }
}
