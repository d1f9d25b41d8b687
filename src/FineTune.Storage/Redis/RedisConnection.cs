using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;

namespace FineTune.Storage.Redis;

/// <summary>
/// One socket to Redis, multiplexed the StackExchange way: callers enqueue encoded commands; a writer
/// loop sends them in order (coalescing whatever is queued into few writes, so concurrent callers
/// pipeline); a reader loop matches replies to requests in FIFO order. When the socket fails, every
/// waiting request fails with <see cref="RedisConnectionException"/> and the connection is dead for good
/// (<see cref="IsAlive"/> false); the owner opens a new one.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private const int WriteBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly RespReader _reader;
    private readonly Action<RedisResult>? _onPush;
    private readonly Channel<PendingRequest> _outgoing = Channel.CreateUnbounded<PendingRequest>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<PendingRequest> _sent = new(); // written, awaiting replies; guarded by itself
    private readonly byte[] _writeBuffer = new byte[WriteBufferSize];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private readonly Task _writeLoop;
    private string? _faultReason; // set once, under _sent's lock
    private Exception? _faultCause;

    private RedisConnection(string endpoint, Socket socket, Stream stream, Action<RedisResult>? onPush)
    {
        Endpoint = endpoint;
        _socket = socket;
        _stream = stream;
        _onPush = onPush;
        _reader = new RespReader(stream);
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    public string Endpoint { get; }

    public bool IsAlive => Volatile.Read(ref _faultReason) is null;

    /// <summary>Completes when the connection dies, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Connects, negotiates TLS and runs AUTH / SELECT / CLIENT SETNAME as configured, all within
    /// <see cref="RedisConnectionString.ConnectTimeout"/>. Server messages that are <c>message</c> or
    /// <c>pmessage</c> pushes go to <paramref name="onPush"/> (subscriber connections) instead of a request.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(RedisConnectionString options, Action<RedisResult>? onPush,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RedisConnection? connection = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, linked.Token).ConfigureAwait(false);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions { TargetHost = options.SslHost ?? options.Host }, linked.Token).ConfigureAwait(false);
            }
            connection = new RedisConnection(options.Endpoint, socket, stream, onPush);
            await connection.HandshakeAsync(options, linked.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            else socket.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            throw ConnectFailure(options, e);
        }
    }

    /// <summary>Queues an encoded command; the task completes with its reply (an error reply throws).</summary>
    public Task<RedisResult> ExecuteAsync(string command, byte[] payload, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<RedisResult>(cancellationToken);
        var request = new PendingRequest(command, payload);
        if (!_outgoing.Writer.TryWrite(request)) return Task.FromException<RedisResult>(Lost(sent: false));
        return cancellationToken.CanBeCanceled ? WaitAsync(request, cancellationToken) : request.Task;
    }

    public Task<RedisResult> ExecuteAsync(CancellationToken cancellationToken, params object[] args) =>
        ExecuteAsync(CommandName(args), RespWriter.EncodeCommand(args), cancellationToken);

    /// <summary>
    /// Cancelling abandons the wait only: a command already written still runs, and its reply is
    /// consumed and dropped so later replies stay matched to their requests.
    /// </summary>
    private static async Task<RedisResult> WaitAsync(PendingRequest request, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest)state!).TrySetCanceled(token), request))
            return await request.Task.ConfigureAwait(false);
    }

    internal static string CommandName(object[] args) => args is [string name, ..] ? name.ToUpperInvariant() : "command";

    private async Task HandshakeAsync(RedisConnectionString options, CancellationToken cancellationToken)
    {
        var steps = new List<Task<RedisResult>>();
        if (options.Password is not null)
            steps.Add(options.User is null
                ? ExecuteAsync(cancellationToken, "AUTH", options.Password)
                : ExecuteAsync(cancellationToken, "AUTH", options.User, options.Password));
        if (options.DefaultDatabase is > 0)
            steps.Add(ExecuteAsync(cancellationToken, "SELECT", options.DefaultDatabase.Value));
        if (options.ClientName is not null)
            steps.Add(ExecuteAsync(cancellationToken, "CLIENT", "SETNAME", options.ClientName));
        if (steps.Count == 0) return;

        try
        {
            await Task.WhenAll(steps).ConfigureAwait(false);
        }
        catch
        {
            // Surface the first step that failed (AUTH before the SELECT it caused to fail).
            foreach (var step in steps)
                if (!step.IsCompletedSuccessfully) await step.ConfigureAwait(false);
            throw;
        }
    }

    private static RedisConnectionException ConnectFailure(RedisConnectionString options, Exception e)
    {
        var endpoint = options.Endpoint;
        var why = e switch
        {
            OperationCanceledException =>
                $"no answer within {options.ConnectTimeout.TotalMilliseconds:0} ms (connectTimeout)",
            SocketException socket => $"{socket.Message} ({socket.SocketErrorCode})",
            RedisServerException server => $"the server refused the {server.Command} handshake: {server.ServerMessage}",
            AuthenticationException tls => $"the TLS handshake failed: {tls.Message}",
            RedisConnectionException lost => lost.Message,
            _ => e.Message,
        };
        return new RedisConnectionException(endpoint, $"Could not connect to Redis at {endpoint}: {why}", e);
    }

    private async Task WriteLoopAsync()
    {
        var queue = _outgoing.Reader;
        var used = 0;
        try
        {
            while (await queue.WaitToReadAsync().ConfigureAwait(false))
            {
                while (queue.TryRead(out var request))
                {
                    if (request.Task.IsCompleted) continue; // cancelled before it was sent: never send it
                    lock (_sent)
                    {
                        if (_faultReason is not null)
                        {
                            request.TrySetException(Lost(sent: false));
                            continue;
                        }
                        _sent.Enqueue(request); // before writing, so the reader always finds it
                    }

                    var payload = request.TakePayload();
                    if (used + payload.Length > _writeBuffer.Length)
                    {
                        if (used > 0) await _stream.WriteAsync(_writeBuffer.AsMemory(0, used)).ConfigureAwait(false);
                        used = 0;
                        if (payload.Length >= _writeBuffer.Length)
                        {
                            await _stream.WriteAsync(payload).ConfigureAwait(false);
                            continue;
                        }
                    }
                    payload.CopyTo(_writeBuffer, used);
                    used += payload.Length;
                }

                // Nothing more queued right now: send what was coalesced.
                if (used > 0) await _stream.WriteAsync(_writeBuffer.AsMemory(0, used)).ConfigureAwait(false);
                used = 0;
                await _stream.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Fail(Describe(e), e);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var reply = await _reader.ReadAsync().ConfigureAwait(false);
                if (_onPush is not null && IsPushMessage(reply))
                {
                    _onPush(reply);
                    continue;
                }
                PendingRequest? request;
                lock (_sent) _sent.TryDequeue(out request);
                if (request is null) throw new RedisProtocolException($"The server sent a reply ({reply}) with no command waiting for one.");
                request.Complete(reply);
            }
        }
        catch (Exception e)
        {
            Fail(Describe(e), e);
        }
    }

    private static bool IsPushMessage(RedisResult reply) =>
        reply.Type == RedisResultType.Array && reply.AsArray() is [{ Type: RedisResultType.BulkString } kind, ..] items &&
        ((items.Count == 3 && kind.AsBytes().AsSpan().SequenceEqual("message"u8)) ||
         (items.Count == 4 && kind.AsBytes().AsSpan().SequenceEqual("pmessage"u8)));

    private static string Describe(Exception e) => e switch
    {
        EndOfStreamException => "the server closed the connection",
        RedisProtocolException => $"protocol error: {e.Message}",
        IOException { InnerException: SocketException socket } => $"{socket.Message} ({socket.SocketErrorCode})",
        _ => e.Message,
    };

    private RedisConnectionException Lost(bool sent)
    {
        var reason = Volatile.Read(ref _faultReason) ?? "unknown reason";
        return new RedisConnectionException(Endpoint, sent
            ? $"The connection to Redis at {Endpoint} was lost ({reason}); the command may or may not have run."
            : $"The connection to Redis at {Endpoint} was lost ({reason}) before the command was sent.", _faultCause);
    }

    /// <summary>Kills the connection once: fails everything waiting, closes the socket.</summary>
    private void Fail(string reason, Exception? cause)
    {
        PendingRequest[] sent;
        lock (_sent)
        {
            if (_faultReason is not null) return;
            _faultCause = cause;
            Volatile.Write(ref _faultReason, reason);
            sent = [.. _sent];
            _sent.Clear();
        }
        _outgoing.Writer.TryComplete();
        foreach (var request in sent) request.TrySetException(Lost(sent: true));
        while (_outgoing.Reader.TryRead(out var queued)) queued.TrySetException(Lost(sent: false));
        try { _socket.Shutdown(SocketShutdown.Both); } // FIN now, even while a receive is pending
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        try { _stream.Dispose(); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        _socket.Dispose();
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Fail("the client closed it", null);
        try { await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException) { }
    }
}
