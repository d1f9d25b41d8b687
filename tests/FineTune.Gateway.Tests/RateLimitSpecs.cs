using System.Net;
using System.Net.Http.Json;
using FineTune.Testing;

namespace FineTune.Gateway.Tests;

[Collection(RedisFixture.Collection)]
public sealed class RateLimitSpecs(RedisFixture redis) : IAsyncLifetime
{
    private Upstream _inference = null!;

    public async Task InitializeAsync() => _inference = await Upstream.StartAsync();

    private GatewayApp Gateway(string key, int requestsPerMinute, int tokensPerMinute, bool shared = true) =>
        new(new Dictionary<string, string?>(GatewayApp.Key("limited", key, "inference")
            .Append(new("Gateway:Keys:limited:RequestsPerMinute", requestsPerMinute.ToString()))
            .Append(new("Gateway:Keys:limited:TokensPerMinute", tokensPerMinute.ToString()))
            .Append(new("Gateway:Clusters:inference:Replicas:0", _inference.Address.ToString()))
            .Append(new("ConnectionStrings:cache", shared ? redis.ConnectionString : null))));

    private static object Chat(int maxTokens) => new { model = "m", max_tokens = maxTokens, messages = new[] { new { role = "user", content = "hi" } } };

    [Fact]
    public async Task Two_gateways_on_one_Redis_share_a_keys_requests_per_minute_and_answer_429_with_Retry_After()
    {
        var key = $"sk-rpm-{Guid.NewGuid():N}";
        using var first = Gateway(key, requestsPerMinute: 2, tokensPerMinute: 100_000);
        using var second = Gateway(key, requestsPerMinute: 2, tokensPerMinute: 100_000);

        using var one = await first.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(10));
        using var two = await second.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(10));
        using var three = await first.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(10));

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, three.StatusCode);
        var retryAfter = three.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 30); // one request refills in 30 s at 2 a minute
        var error = await OpenAiErrorBody.ReadAsync(three);
        Assert.Equal("rate_limit_error", error.Type);
        Assert.Contains("2 requests per minute", error.Message);
        Assert.Equal(2, _inference.Received.Count);
    }

    [Fact]
    public async Task Tokens_per_minute_are_charged_prompt_plus_max_tokens_across_gateways()
    {
        var key = $"sk-tpm-{Guid.NewGuid():N}";
        using var first = Gateway(key, requestsPerMinute: 100, tokensPerMinute: 100);
        using var second = Gateway(key, requestsPerMinute: 100, tokensPerMinute: 100);

        using var fits = await first.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(60));
        using var over = await second.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(60));
        using var never = await second.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(500));

        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal("39", fits.Headers.GetValues("x-ratelimit-remaining-tokens").Single()); // 100 - (60 + "hi" as 1 token)
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Contains("100 tokens per minute", (await OpenAiErrorBody.ReadAsync(over)).Message);
        Assert.NotNull(over.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, never.StatusCode);
        Assert.Contains("Request too large", (await OpenAiErrorBody.ReadAsync(never)).Message);
    }

    [Fact]
    public async Task Without_Redis_each_gateway_limits_on_its_own()
    {
        var key = $"sk-local-{Guid.NewGuid():N}";
        using var gateway = Gateway(key, requestsPerMinute: 1, tokensPerMinute: 100_000, shared: false);

        using var one = await gateway.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(10));
        using var two = await gateway.Client(key).PostAsJsonAsync("/v1/chat/completions", Chat(10));

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, two.StatusCode);
        Assert.NotNull(two.Headers.RetryAfter);
    }

    public async Task DisposeAsync() => await _inference.DisposeAsync();
}
