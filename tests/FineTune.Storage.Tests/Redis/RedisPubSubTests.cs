using System.Text;
using System.Threading.Channels;
using FineTune.Storage.Redis;
using FineTune.Testing;
using static FineTune.Storage.Tests.Redis.RedisTestSupport;

namespace FineTune.Storage.Tests.Redis;

[Collection(RedisFixture.Collection)]
public sealed class RedisPubSubTests(RedisFixture redis)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_subscriber_receives_100_messages_in_order_and_nothing_after_unsubscribing()
    {
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var channel = Key("channel");
        var received = Channel.CreateUnbounded<(string Channel, string Message)>();
        var subscription = await client.SubscribeAsync(channel, async (ch, message) =>
        {
            await Task.Yield(); // an asynchronous handler
            received.Writer.TryWrite((ch, Encoding.UTF8.GetString(message)));
        });

        for (var i = 0; i < 100; i++)
            Assert.Equal(1, await client.PublishAsync(channel, $"message {i}"));
        for (var i = 0; i < 100; i++)
            Assert.Equal((channel, $"message {i}"), await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));

        await subscription.DisposeAsync();
        Assert.Equal(0, await client.PublishAsync(channel, "nobody listens"));
        await subscription.DisposeAsync();
    }

    [Fact]
    public async Task Binary_messages_arrive_unchanged()
    {
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var channel = Key("binary");
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeAsync(channel, (_, message) => received.TrySetResult(message));

        byte[] payload = [0, (byte)'\r', (byte)'\n', 0xff, .. new byte[100_000]];
        Assert.Equal(1, await client.PublishAsync(channel, payload));
        Assert.Equal(payload, await received.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_pattern_subscription_gets_the_actual_channel()
    {
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var prefix = Key("news");
        var received = Channel.CreateUnbounded<(string Channel, string Message)>();
        await using var subscription = await client.PatternSubscribeAsync($"{prefix}.*",
            (ch, message) => received.Writer.TryWrite((ch, Encoding.UTF8.GetString(message))));

        Assert.True(subscription.IsPattern);
        Assert.Equal(1, await client.PublishAsync($"{prefix}.sport", "goal"));
        Assert.Equal(0, await client.PublishAsync($"{prefix}-other", "ignored"));
        Assert.Equal(1, await client.PublishAsync($"{prefix}.weather", "rain"));
        Assert.Equal(($"{prefix}.sport", "goal"), await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(($"{prefix}.weather", "rain"), await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Two_local_subscribers_share_one_server_subscription_until_the_last_leaves()
    {
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var channel = Key("shared");
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = Channel.CreateUnbounded<string>();
        var a = await client.SubscribeAsync(channel, (_, m) => first.TrySetResult(Encoding.UTF8.GetString(m)));
        var b = await client.SubscribeAsync(channel, (_, m) => second.Writer.TryWrite(Encoding.UTF8.GetString(m)));

        Assert.Equal(1, await client.PublishAsync(channel, "both"));
        Assert.Equal("both", await first.Task.WaitAsync(Patience));
        Assert.Equal("both", await second.Reader.ReadAsync().AsTask().WaitAsync(Patience));

        await a.DisposeAsync();
        Assert.Equal(1, await client.PublishAsync(channel, "only b"));
        Assert.Equal("only b", await second.Reader.ReadAsync().AsTask().WaitAsync(Patience));

        await b.DisposeAsync();
        Assert.Equal(0, await client.PublishAsync(channel, "none"));
    }

    [Fact]
    public async Task A_throwing_handler_is_reported_and_delivery_goes_on()
    {
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var channel = Key("faulty");
        var failures = Channel.CreateUnbounded<(string Name, Exception Error)>();
        client.SubscriptionHandlerFailed += (name, error) => failures.Writer.TryWrite((name, error));
        var delivered = Channel.CreateUnbounded<string>();
        await using var subscription = await client.SubscribeAsync(channel, (_, m) =>
        {
            var text = Encoding.UTF8.GetString(m);
            if (text == "bad") throw new InvalidOperationException("handler broke");
            delivered.Writer.TryWrite(text);
        });

        await client.PublishAsync(channel, "bad");
        await client.PublishAsync(channel, "good");

        var failure = await failures.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(channel, failure.Name);
        Assert.Equal("handler broke", failure.Error.Message);
        Assert.Equal("good", await delivered.Reader.ReadAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task The_subscriber_reconnects_and_resubscribes_after_the_server_drops_it()
    {
        var name = $"ft-sub-{Guid.NewGuid():N}";
        await using var admin = await RedisClient.ConnectAsync(redis.ConnectionString);
        await using var client = await RedisClient.ConnectAsync($"{redis.ConnectionString},name={name}");
        var channel = Key("resilient");
        var received = Channel.CreateUnbounded<string>();
        await using var subscription = await client.SubscribeAsync(channel, (_, m) => received.Writer.TryWrite(Encoding.UTF8.GetString(m)));
        Assert.Equal(1, await admin.PublishAsync(channel, "before"));
        Assert.Equal("before", await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));

        var commandId = (await client.ExecuteAsync("CLIENT", "ID")).AsInt64();
        var subscriberIds = (await ClientIdsNamedAsync(admin, name)).Where(id => id != commandId).ToArray();
        var subscriberId = Assert.Single(subscriberIds);
        await KillClientAsync(admin, subscriberId);

        await WaitUntilAsync(async () => (await ClientIdsNamedAsync(admin, name)).Except([commandId, subscriberId]).Any()
                                         && await admin.PublishAsync(channel, "after") == 1,
            "the subscriber is back on a new connection");
        Assert.Equal("after", await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Disposing_the_client_ends_its_subscriptions_on_the_server()
    {
        var channel = Key("closing");
        await using var publisher = await RedisClient.ConnectAsync(redis.ConnectionString);
        var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var subscription = await client.SubscribeAsync(channel, (_, _) => { });
        Assert.Equal(1, await publisher.PublishAsync(channel, "x"));

        await client.DisposeAsync();
        await subscription.DisposeAsync(); // after the client: harmless
        await WaitUntilAsync(async () => await publisher.PublishAsync(channel, "x") == 0, "the server dropped the subscriber");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SubscribeAsync(channel, (_, _) => { }));
    }
}
