using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using FineTune.Contracts;
using FineTune.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Inference.Tests;

[CollectionDefinition(RedisFixture.Collection)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>;

/// <summary>The query-result cache on a real redis-server, and the records monitoring receives.</summary>
[Collection(RedisFixture.Collection)]
public sealed class ResultCacheSpecs(RedisFixture redis)
{
    private static StringContent Request(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    [Fact]
    public async Task A_deterministic_request_is_answered_from_redis_the_second_time_and_a_sampled_one_never_is()
    {
        using var app = new InferenceApp(new Dictionary<string, string?> { ["ConnectionStrings:cache"] = redis.ConnectionString });
        var client = app.CreateClient();
        var heard = new ConcurrentQueue<InferenceRecorded>();
        var handle = app.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance,
            endpoint => endpoint.Handler<InferenceRecorded>(c => { heard.Enqueue(c.Message); return Task.CompletedTask; }));
        await handle.Ready;
        var greedy = $$"""{"model": "finetune-base", "messages": [{"role": "user", "content": "Cache me {{Guid.NewGuid():N}}"}], "max_tokens": 8, "temperature": 0}""";

        var first = await client.PostAsync("/v1/chat/completions", Request(greedy));
        var second = await client.PostAsync("/v1/chat/completions", Request(greedy));
        var sampled = await client.PostAsync("/v1/chat/completions", Request(greedy.Replace("\"temperature\": 0", "\"temperature\": 0.9")));

        Assert.False(first.Headers.Contains("X-FineTune-Cache"));
        Assert.Equal("hit", second.Headers.GetValues("X-FineTune-Cache").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(sampled.Headers.Contains("X-FineTune-Cache"));
        Assert.Equal(0.5, app.Services.GetRequiredService<InferenceMetrics>().CacheHitRatio);

        // monitoring hears of all three, in a batch, with counts and a prompt sketch but no text (the flags are MonitoringRecordSpecs')
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (heard.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(3, heard.Count);
        Assert.Equal([false, true, false], heard.OrderBy(r => r.RecordedAt).Select(r => r.CacheHit));
        Assert.All(heard, r => Assert.Equal(new ModelRef("finetune-base", 0), r.Model));
        Assert.All(heard, r => Assert.Equal(r.PromptTokenSample.Order(), r.PromptTokenSample));
        Assert.All(heard, r => Assert.InRange(r.PromptTokenSample.Count, 1, r.PromptTokens - 1)); // the message's tokens, not the chat template's
    }
}
