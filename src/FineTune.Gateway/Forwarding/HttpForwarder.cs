using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FineTune.Gateway.Forwarding;

/// <summary>
/// <see cref="IForwarder"/> over one pooled <see cref="SocketsHttpHandler"/>. Bodies stream both ways
/// (each chunk the replica sends is flushed to the client at once, so server-sent events pass token by
/// token); the client's disconnect or the route's timeout cancels the upstream exchange. Every forward
/// is a client span of <c>FineTune.Gateway</c> whose W3C <c>traceparent</c> goes to the replica, so one
/// trace spans gateway and service.
/// </summary>
public sealed class HttpForwarder : IForwarder, IDisposable
{
    public static readonly ActivitySource Source = new("FineTune.Gateway");

    private readonly HttpMessageInvoker _invoker;

    public HttpForwarder(IOptions<GatewaySettings> options) => _invoker = new HttpMessageInvoker(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds),
        ActivityHeadersPropagator = null, // the gateway writes traceparent itself, from its own span
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    });

    public async Task<ForwardResult> ForwardAsync(HttpContext context, Uri replica, ForwardRequest forward, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.RequestAborted);
        timeout.CancelAfter(forward.Timeout);
        using var activity = StartActivity(context, replica);
        using var request = CreateRequest(context, replica, forward, activity);

        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (Classify(e, context, timeout) is { } result)
        {
            activity.SetStatus(ActivityStatusCode.Error, result.Detail);
            return result;
        }

        using (response)
        {
            activity.SetTag("http.response.status_code", (int)response.StatusCode);
            context.Response.StatusCode = (int)response.StatusCode;
            ProxyHeaders.CopyResponseHeaders(response, context.Response);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                await CopyFlushingAsync(body, context.Response.Body, timeout.Token);
                return ForwardResult.Completed;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return new ForwardResult(ForwardOutcome.ClientAborted, "the client disconnected while the answer streamed");
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                context.Abort(); // a half-sent answer must not look complete to the client
                var detail = e is OperationCanceledException ? $"timed out after {forward.Timeout.TotalSeconds:0.#} s while the answer streamed" : $"the answer broke off: {e.Message}";
                activity.SetStatus(ActivityStatusCode.Error, detail);
                return new ForwardResult(ForwardOutcome.ResponseFailed, detail);
            }
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, Uri replica, ForwardRequest forward, Activity activity)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(replica, incoming.PathBase + incoming.Path + incoming.QueryString))
        {
            Version = System.Net.HttpVersion.Version11,
        };
        if (forward.BufferedBody is { } buffered) request.Content = new ReadOnlyMemoryContent(buffered);
        else if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true) request.Content = new RequestBodyContent(incoming);
        ProxyHeaders.CopyRequestHeaders(incoming, request);
        request.Headers.TryAddWithoutValidation("traceparent", activity.Id);
        if (activity.TraceStateString is { Length: > 0 } state) request.Headers.TryAddWithoutValidation("tracestate", state);
        foreach (var (name, value) in forward.ExtraHeaders ?? new Dictionary<string, string>())
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    /// <summary>
    /// A child of the request's span when ASP.NET Core made one, else of the client's traceparent.
    /// Without a listener the source makes nothing, so a plain Activity carries the context anyway.
    /// </summary>
    private static Activity StartActivity(HttpContext context, Uri replica)
    {
        var parent = Activity.Current?.Context ?? default;
        if (parent == default && ActivityContext.TryParse(context.Request.Headers.TraceParent, context.Request.Headers.TraceState, out var incoming))
            parent = incoming;
        var activity = Source.StartActivity("forward", ActivityKind.Client, parent);
        if (activity is null)
        {
            activity = new Activity("forward");
            if (parent != default) activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            activity.TraceStateString = parent.TraceState;
            activity.Start();
        }
        activity.SetTag("server.address", replica.Host);
        activity.SetTag("server.port", replica.Port);
        return activity;
    }

    private static ForwardResult? Classify(Exception e, HttpContext context, CancellationTokenSource timeout)
    {
        if (context.RequestAborted.IsCancellationRequested)
            return new ForwardResult(ForwardOutcome.ClientAborted, "the client disconnected before the replica answered");
        if (Find<BadHttpRequestException>(e) is { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge)
            return new ForwardResult(ForwardOutcome.BodyTooLarge, tooLarge.Message);
        if (e is OperationCanceledException && timeout.IsCancellationRequested)
            return new ForwardResult(ForwardOutcome.TimedOut, "the replica did not answer in time");
        // SocketsHttpHandler.ConnectTimeout surfaces as a cancellation that is not ours
        if (e is OperationCanceledException || e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
            || Find<SocketException>(e) is { SocketErrorCode: SocketError.ConnectionRefused })
            return new ForwardResult(ForwardOutcome.ConnectFailed, $"connection failed: {Innermost(e).Message}");
        if (e is HttpRequestException or IOException)
            return new ForwardResult(ForwardOutcome.UpstreamFailed, $"the exchange broke before an answer: {Innermost(e).Message}");
        return null;
    }

    private static async Task CopyFlushingAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await to.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    public void Dispose() => _invoker.Dispose();
}
