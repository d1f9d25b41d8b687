namespace FineTune.Gateway.Forwarding;

/// <summary>
/// Sends one incoming request to one replica and streams the answer back — the seam where a
/// YARP <c>IHttpForwarder</c> would slot in once it restores here. It never retries and never
/// picks replicas; it reports what happened and leaves the response unstarted on every failure
/// that happened before the replica answered, so the caller can retry or answer with an error.
/// </summary>
public interface IForwarder
{
    Task<ForwardResult> ForwardAsync(HttpContext context, Uri replica, ForwardRequest request, CancellationToken cancellationToken);
}

/// <summary>What to forward beyond the incoming request itself.</summary>
/// <param name="Timeout">Longest the whole exchange may take, response body included.</param>
/// <param name="BufferedBody">The request body when the gateway already read it (to count tokens); null streams it.</param>
/// <param name="ExtraHeaders">Headers set on the upstream request, replacing any the client sent with the same name.</param>
public sealed record ForwardRequest(
    TimeSpan Timeout,
    ReadOnlyMemory<byte>? BufferedBody = null,
    IReadOnlyDictionary<string, string>? ExtraHeaders = null);

public enum ForwardOutcome
{
    /// <summary>The replica answered and the whole answer reached the client (whatever its status).</summary>
    Completed,
    /// <summary>No connection could be made: nothing reached the replica, so an idempotent request may go elsewhere.</summary>
    ConnectFailed,
    /// <summary>The replica took the connection but the exchange broke before it answered.</summary>
    UpstreamFailed,
    TimedOut,
    /// <summary>The client's body grew past the route's limit while it was streamed.</summary>
    BodyTooLarge,
    /// <summary>The client went away; the upstream request was cancelled.</summary>
    ClientAborted,
    /// <summary>The answer broke after it had started; the client's connection was aborted.</summary>
    ResponseFailed,
}

/// <param name="Detail">What went wrong, for logs and error messages; never includes credentials.</param>
public sealed record ForwardResult(ForwardOutcome Outcome, string? Detail = null)
{
    public static ForwardResult Completed { get; } = new(ForwardOutcome.Completed);
}
