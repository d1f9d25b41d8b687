using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FineTune.Gateway.Tests;

public sealed class ForwardingSpecs : IAsyncLifetime
{
    private const string Key = "sk-forwarding-test";
    private readonly TaskCompletionSource _secondChunkMayGo = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _upstreamSawAbort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Upstream _upstream = null!;
    private GatewayApp _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync(app =>
        {
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("data: first\n\n");
                await context.Response.Body.FlushAsync();
                await _secondChunkMayGo.Task.WaitAsync(context.RequestAborted);
                await context.Response.WriteAsync("data: second\n\n");
            });
            app.MapGet("/test/stream-forever", async (HttpContext context) =>
            {
                await context.Response.WriteAsync("data: started\n\n");
                await context.Response.Body.FlushAsync();
                try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
                catch (OperationCanceledException) { _upstreamSawAbort.TrySetResult(); }
            });
            app.MapGet("/test/hop", (HttpContext context) =>
            {
                context.Response.Headers["Proxy-Authenticate"] = "Basic";
                context.Response.Headers["Keep-Alive"] = "timeout=9";
                context.Response.Headers["X-Upstream-Marker"] = "kept";
                return "ok";
            });
            app.MapDelete("/test/missing", () => Results.NotFound());
        });
        _gateway = new GatewayApp(new Dictionary<string, string?>(
            GatewayApp.Key("app", Key, "inference")
                .Concat(GatewayApp.Route("test", "/test", "test", "inference", _upstream.Address))
                .Append(new("Gateway:Routes:test:MaxRequestBodyBytes", "1024"))
                .Append(new("Gateway:Routes:chat-completions:MaxRequestBodyBytes", "1024"))
                .Append(new("Gateway:Clusters:inference:Replicas:0", _upstream.Address.ToString()))));
    }

    [Fact]
    public async Task Server_sent_events_reach_the_client_one_by_one_before_the_next_is_written()
    {
        using var client = _gateway.Client(Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("{\"stream\":true}", Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // the upstream holds the second event back until the first has arrived: a buffering gateway would hang here
        Assert.Equal("data: first", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        _secondChunkMayGo.SetResult();
        Assert.Equal("", await reader.ReadLineAsync());
        Assert.Equal("data: second", await reader.ReadLineAsync());
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_cancels_the_upstream_request()
    {
        using var client = _gateway.Client(Key);
        var response = await client.GetAsync("/test/stream-forever", HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[8];
        Assert.True(await stream.ReadAsync(first) > 0);

        response.Dispose(); // closes the connection mid-body

        await _upstreamSawAbort.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Hop_by_hop_headers_stop_at_the_gateway_in_both_directions_and_forwarded_headers_are_set()
    {
        using var client = _gateway.Client(Key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/hop?x=1");
        request.Headers.TryAddWithoutValidation("Connection", "X-Hop-Only");
        request.Headers.TryAddWithoutValidation("X-Hop-Only", "1");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic abc");
        request.Headers.TryAddWithoutValidation("X-End-To-End", "kept");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_upstream.Received);
        Assert.Equal("/test/hop?x=1", received.Path);
        foreach (var hop in new[] { "X-Hop-Only", "Keep-Alive", "Proxy-Authorization", "Authorization" })
            Assert.False(received.Headers.ContainsKey(hop), $"{hop} reached the upstream");
        Assert.Equal("kept", received.Headers["X-End-To-End"]);
        Assert.Equal("203.0.113.7, 127.0.0.1", received.Headers["X-Forwarded-For"]);
        Assert.Equal("http", received.Headers["X-Forwarded-Proto"]);
        Assert.Equal($"127.0.0.1:{_gateway.Port}", received.Headers["X-Forwarded-Host"]);
        Assert.False(response.Headers.Contains("Proxy-Authenticate"));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal("kept", response.Headers.GetValues("X-Upstream-Marker").Single());
    }

    [Fact]
    public async Task The_trace_context_continues_to_the_service_as_a_child_of_the_clients_span()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        using var client = _gateway.Client(Key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/traced");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using (await client.SendAsync(request)) { }

        var traceparent = Assert.Single(_upstream.Received).Headers["traceparent"].Split('-');
        Assert.Equal(traceId, traceparent[1]);
        Assert.NotEqual("b7ad6b7169203331", traceparent[2]);
    }

    [Fact]
    public async Task A_body_over_the_routes_limit_is_413_with_or_without_a_content_length_and_the_service_sees_nothing()
    {
        using var client = _gateway.Client(Key);
        using var declared = await client.PostAsync("/test/upload", new ByteArrayContent(new byte[2048]));
        // no Content-Length: the gateway finds out while reading the body it counts tokens in
        using var chunked = await client.PostAsync("/v1/chat/completions", new StreamContent(new NonSeekable(new byte[4096])));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("request_too_large", (await OpenAiErrorBody.ReadAsync(declared)).Type);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Contains("1024 bytes", (await OpenAiErrorBody.ReadAsync(chunked)).Message);
        Assert.Empty(_upstream.Received);
    }

    [Fact]
    public async Task A_replicas_own_empty_404_passes_through_unchanged()
    {
        using var client = _gateway.Client(Key);
        using var response = await client.DeleteAsync("/test/missing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _secondChunkMayGo.TrySetResult();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    /// <summary>A stream HttpClient cannot measure, so it sends the body chunked.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
